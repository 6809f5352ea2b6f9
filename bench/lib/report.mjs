// bench/lib/report.mjs: the text tables `npm run bench` prints, from the same object it writes as JSON.

/** Seconds with three significant digits. */
function secs(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

function ratio(x) {
  if (x === null || x === undefined) return '-';
  return x >= 10 ? `${x.toFixed(0)}x` : `${x.toFixed(2)}x`;
}

function bytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Lay out rows of cells in columns: the first left-aligned, the rest right-aligned. */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** A cell's first call (`steady` false) or steady state: median [min-max]. */
function cellText(cell, steady = false) {
  if (!cell) return '-';
  if (cell.status !== 'ok') return cell.status.startsWith('skipped') ? 'skipped' : cell.status;
  const s = steady ? cell.steady : cell;
  const count = steady ? cell.steadySamples.length : cell.samples.length;
  if (!s || s.median === null) return '-';
  if (count === 1) return `${secs(s.median)}${cell.scale !== 1 ? '*' : ''}`;
  return `${secs(s.median)} [${secs(s.min)}-${secs(s.max)}]${cell.scale !== 1 ? '*' : ''}`;
}

/** The whole report as text. */
export function formatReport(report) {
  const { environment: env, options, runners, programs, results, geomeans, compile } = report;
  const find = (p, r) => results.find((x) => x.program === p && x.runner === r);
  const out = [];
  out.push('');
  out.push(`w2js bench: Node ${env.node} (V8 ${env.v8}), ${env.cpu} x${env.cores}, commit ${env.commit.slice(0, 10)}${env.dirty ? '+dirty' : ''}, ${env.date}`);
  out.push(`${options.reps} run(s) per program per runner, interleaved; fresh process per run; ${options.calls ?? 1} call(s) of run(n) per process (JIT runners).${options.quick ? ' QUICK: small sizes, not comparable with normal runs.' : ''}`);
  const la = (l) => l.map((x) => x.toFixed(1)).join(' ');
  out.push(`Load average (1, 5, 15 min) at start ${la(env.loadAverage.start)}, at end ${la(env.loadAverage.end)}: other work on the machine inflates wall times.`);
  const sections = [[false, runners, 'FIRST CALL: seconds of the first run(n) in a fresh process (JIT warm-up included): median [min-max].']];
  const steadyRunners = runners.filter((r) => r.steady);
  if ((options.calls ?? 1) > 1 && steadyRunners.length) {
    sections.push([true, steadyRunners, `STEADY STATE: seconds per run(n), median of calls 2..${options.calls} in the same process; median [min-max] over runs.`]);
  }
  for (const [steady, shown, title] of programs.length && runners.length ? sections : []) {
    out.push('');
    out.push(title);
    if (!steady) out.push('* = a no-JIT runner timed at run(slowN), scaled by n/slowN.');
    const head = ['program', 'n', ...shown.map((r) => r.name)];
    const rows = programs.map((p) => [p.name, options.quick ? p.quickN : p.n, ...shown.map((r) => cellText(find(p.name, r.name), steady))]);
    out.push(table([head, ...rows]));
    if (shown.some((r) => r.name === 'native')) {
      out.push('');
      out.push(`${steady ? 'Steady state' : 'First call'} relative to V8 native wasm's (ratio of medians; lower is better):`);
      const others = shown.filter((r) => r.name !== 'native');
      const rrows = programs.map((p) => [p.name, ...others.map((r) => { const c = find(p.name, r.name); return ratio(steady ? c?.steady?.ratio : c?.ratio); })]);
      rrows.push(['geomean', ...others.map((r) => {
        const g = steady ? geomeans[r.name].steady : geomeans[r.name];
        return !g || g.ratio === null ? '-' : `${ratio(g.ratio)}${g.programs < programs.length ? ` (${g.programs}/${programs.length})` : ''}`;
      })]);
      out.push(table([['program', ...others.map((r) => r.name)], ...rrows]));
    }
  }
  if (programs.length && runners.length) {
    out.push('');
    out.push('Runners:');
    for (const r of runners) out.push(`  ${r.name.padEnd(13)} ${r.what}`);
  }
  if (compile) {
    out.push('');
    out.push('Compile side: fresh process per compile; wall time (median [min-max] of the runs), peak RSS, output size.');
    const head = ['module', 'tool', 'runs', 'seconds', 'peak RSS', 'output', 'gzip'];
    const rows = compile.rows.map((r) => [
      `${r.module}, ${bytes(r.moduleBytes)}`, r.tool, r.runs, r.runs === 1 ? secs(r.seconds) : `${secs(r.seconds)} [${secs(r.secondsMin)}-${secs(r.secondsMax)}]`,
      r.peakMiB === null || Number.isNaN(r.peakMiB) ? '-' : `${r.peakMiB.toFixed(0)} MiB`, bytes(r.bytes), bytes(r.gzipBytes),
    ]);
    out.push(table([head, ...rows]));
    out.push(`(w2js output also needs its runtime/: ${bytes(compile.runtimeBytes)}, once per output.)`);
    const c = compile.check;
    const line = Object.entries(c).map(([name, r]) => ('error' in r ? `${name} ERROR` : `${name} load ${secs(r.loadSeconds)} s + run(1) ${secs(r.seconds)} s`)).join('; ');
    out.push(`Large module, load and first run: ${line}; results ${Object.values(c).every((r) => r.result === c.native.result) ? 'agree' : 'DIFFER'}.`);
  }
  if (report.failures.length) {
    out.push('');
    out.push('FAILURES:');
    for (const f of report.failures) out.push(`  ${f}`);
  }
  out.push('');
  return out.join('\n');
}
