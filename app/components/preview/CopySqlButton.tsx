"use client";
// Copies the SQL of what the preview shows to the clipboard.
import { useEffect, useState } from "react";
import styles from "./preview-table.module.css";

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Fall through: the clipboard API is refused without focus or permission.
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("the browser refused to copy");
}

export function CopySqlButton({ sql }: { sql: string }) {
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (status === "idle") return;
    const timer = setTimeout(() => setStatus("idle"), 1500);
    return () => clearTimeout(timer);
  }, [status]);

  return (
    <button
      type="button"
      className={styles.button}
      data-testid="copy-sql"
      data-sql={sql}
      title={sql}
      onClick={() => {
        copyText(sql).then(
          () => setStatus("copied"),
          () => setStatus("failed"),
        );
      }}
    >
      {status === "copied" ? "Copied" : status === "failed" ? "Copy failed" : "Copy SQL"}
    </button>
  );
}
