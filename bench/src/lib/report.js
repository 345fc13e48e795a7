// @ts-check
/** Markdown pieces shared by the groups' tables. */

/** A `###` section: title, body, then the notes as a list. @param {string} title @param {string} body @param {string[]} notes */
export function section(title, body, notes) {
  return [`### ${title}`, '', body, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}
