import { z } from "zod";
import { commonCellKeys, tableNameSchema } from "./common";

export const CHART_MARKS = ["line", "bar", "point", "area", "arc", "tick", "rule", "text", "rect"] as const;

/** An encoding channel: a column name, or a Vega-Lite field definition (`{ field, type, aggregate, … }`). */
const channelSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);
const channelsSchema = z.union([channelSchema, z.array(channelSchema)]);

export const chartConfigSchema = z.strictObject({
  from: tableNameSchema,
  mark: z.enum(CHART_MARKS),
  x: channelSchema.optional(),
  y: channelSchema.optional(),
  color: channelSchema.optional(),
  size: channelSchema.optional(),
  title: z.string().optional(),
  // Further Vega-Lite encoding channels.
  x2: channelSchema.optional(),
  y2: channelSchema.optional(),
  theta: channelSchema.optional(),
  radius: channelSchema.optional(),
  shape: channelSchema.optional(),
  opacity: channelSchema.optional(),
  text: channelSchema.optional(),
  detail: channelsSchema.optional(),
  tooltip: channelsSchema.optional(),
  order: channelSchema.optional(),
  row: channelSchema.optional(),
  column: channelSchema.optional(),
  facet: channelSchema.optional(),
  width: z.number().positive().optional(),
  height: z.number().positive().optional(),
  ...commonCellKeys,
});

export type ChartSpec = z.infer<typeof chartConfigSchema>;
