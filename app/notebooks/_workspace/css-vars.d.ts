// CSS custom properties the notebook page sets inline.
import "react";

declare module "react" {
  interface CSSProperties {
    "--state"?: string;
  }
}
