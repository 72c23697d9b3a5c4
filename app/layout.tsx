import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ShellNav } from "./components/ShellNav";
import "./globals.css";

export const metadata: Metadata = {
  title: "Assetbook",
  description: "Data pipelines written as notebooks, with the lifecycle of software.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <div className="container site-header__inner">
            <Link className="brand" href="/">
              <span className="brand__mark" aria-hidden="true" />
              Assetbook
            </Link>
            <ShellNav />
          </div>
        </header>
        <main className="container">{children}</main>
      </body>
    </html>
  );
}
