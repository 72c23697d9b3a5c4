// A chart cell's keys, read (zod) into what ChartView draws. The notebook parser has
// validated them already; this narrows the types without a cast.
import { z } from "zod";
import { AGGREGATES, CHART_MARKS, type ChartConfig } from "@/lib/preview/chart-spec";

const channel = z.union([z.string(), z.record(z.string(), z.unknown())]);
const channels = z.union([channel, z.array(channel)]);

const chartSpec = z.object({
  mark: z.enum(CHART_MARKS),
  x: channel.optional(),
  y: channel.optional(),
  x2: channel.optional(),
  y2: channel.optional(),
  color: channel.optional(),
  size: channel.optional(),
  shape: channel.optional(),
  opacity: channel.optional(),
  text: channel.optional(),
  theta: channel.optional(),
  radius: channel.optional(),
  order: channel.optional(),
  row: channel.optional(),
  column: channel.optional(),
  facet: channel.optional(),
  tooltip: channels.optional(),
  detail: channels.optional(),
  aggregate: z.enum(AGGREGATES).optional(),
  title: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});

export function chartSpecOf(config: unknown): ChartConfig | undefined {
  const parsed = chartSpec.safeParse(config);
  return parsed.success ? parsed.data : undefined;
}
