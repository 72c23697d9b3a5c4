"use client";
// Marks the inbox read once it has been shown, then refreshes so the shell's badge clears
// and the dots of read items go.
import { useRouter } from "next/navigation";
import { useEffect } from "react";

export function MarkRead() {
  const router = useRouter();
  useEffect(() => {
    void fetch("/api/inbox", { method: "POST" }).then((response) => {
      if (response.ok) router.refresh();
    });
  }, [router]);
  return null;
}
