import type { Metadata } from "next";
import { DemoPage } from "./DemoPage";

export const metadata: Metadata = { title: "Components · Assetbook", robots: { index: false } };

export default function ComponentsDemoPage() {
  return <DemoPage />;
}
