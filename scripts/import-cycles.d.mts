/** Every cycle of relative imports among the `.ts` files under `dirs`, as lists of files relative to `root`. */
export function findImportCycles(dirs: string[], root: string): string[][];
/** The `src` folders of every workspace package under `root/packages`. */
export function packageSourceDirs(root: string): string[];
