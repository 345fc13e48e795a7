declare const __TRIPSWITCH_VERSION__: string;

/** The package version, stamped at build time (used as the instrumentation scope version). */
export const VERSION: string = __TRIPSWITCH_VERSION__;
