/** Flags for a headless run in a container, with nothing phoning home. */
export declare const CHROMIUM_ARGS: string[];
/** The browser's path (`CHROMIUM_PATH`, default `/usr/bin/chromium`); throws when it is missing. */
export declare function chromiumExecutable(): string;
