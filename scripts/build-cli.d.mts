// Types of build-cli.mjs (plain JavaScript: the launchers import it before anything is built).
export declare const ROOT: string;
export declare const DIST: string;
export declare const ENTRIES: Record<string, string>;
export declare function newestSourceMtime(root?: string): number;
export declare function currentBuild(): { dir: string; sources: number } | null;
export declare function buildCli(): Promise<string>;
