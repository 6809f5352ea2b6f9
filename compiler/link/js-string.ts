// link/: a string as a JS string literal that stays safe wherever the output goes: valid in
// every JS source, and free of `</script` and `<!--`, which would end or comment out a script
// element if the output were ever inlined into HTML.

const UNSAFE = /[\u2028\u2029]|<\/(?=script)|<!--/gi;

export function jsString(value: string): string {
  return JSON.stringify(value).replace(UNSAFE, (m) => {
    if (m === '\u2028') return '\\u2028';
    if (m === '\u2029') return '\\u2029';
    return m.startsWith('</') ? '<\\/' : '\\x3C!--';
  });
}
