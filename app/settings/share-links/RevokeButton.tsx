"use client";
import { useRouter } from "next/navigation";

export function RevokeButton({ id }: { id: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="btn btn--danger"
      data-testid="revoke"
      onClick={async () => {
        await fetch(`/api/share-links/${id}`, { method: "DELETE" });
        router.refresh();
      }}
    >
      Revoke
    </button>
  );
}
