// Binds lib/alerts to the server: the queue the workers claim deliveries from (a "Send
// test" is delivered like any alert) and the configuration's outbound, SMTP and base URL.
import { AlertService } from "@/lib/alerts/service";
import { appConfig } from "./config";
import { reviewQueue } from "./review-data";
import { appContext } from "./server-context";

export async function appAlerts(): Promise<AlertService> {
  const { db, secretKey } = await appContext();
  const config = appConfig();
  return new AlertService({ db, queue: await reviewQueue(), key: secretKey, baseUrl: config.baseUrl, outbound: config.outbound, smtp: config.smtp, envSecrets: config.envSecrets, env: process.env });
}
