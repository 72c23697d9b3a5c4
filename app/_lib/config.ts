// The server's configuration (lib/config), parsed once per process: a bad variable fails
// the first request that needs it, with a message naming the variable.
import { parseConfig, type AssetbookConfig } from "@/lib/config";

const holder = globalThis as typeof globalThis & { __assetbookConfig?: AssetbookConfig };

export function appConfig(): AssetbookConfig {
  holder.__assetbookConfig ??= parseConfig(process.env);
  return holder.__assetbookConfig;
}
