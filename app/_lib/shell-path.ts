// The request header proxy.ts sets to the page's path, so the layout's shell knows which
// page it wraps (a layout is not given the path, and a share page must show no shell).
export const SHELL_PATH_HEADER = "x-assetbook-path";
