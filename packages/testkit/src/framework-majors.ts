/** One major of a framework, installed under an alias (`koa2` for `koa@2`), as a suite driver names it. */
export interface FrameworkMajor<M> {
  /** The framework's module, as `require(alias)` returns it. */
  readonly module: M;
  /** Shown in the test names, e.g. `Koa 2`. */
  readonly label: string;
  /** The major the alias stands for. */
  readonly major: number;
  /** The version installed under the alias: a suite checks that its major is `major`. */
  readonly version: string;
}

/**
 * Loads the majors of a framework an adapter is tested on, each installed under `<name><major>`, with
 * the package's own `require` (the aliases are the adapter's dev dependencies).
 *
 * @example
 * ```ts
 * for (const koa of frameworkMajors<typeof Koa>(require, 'koa', 'Koa', [2, 3])) describeServerAdapter(koaDriver(koa));
 * ```
 */
export function frameworkMajors<M>(
  require: (id: string) => unknown,
  name: string,
  label: string,
  majors: readonly number[],
): FrameworkMajor<M>[] {
  return majors.map((major) => ({
    module: require(`${name}${major}`) as M,
    label: `${label} ${major}`,
    major,
    version: (require(`${name}${major}/package.json`) as { version: string }).version,
  }));
}
