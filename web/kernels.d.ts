// web/: the compiled test kernel's modules, as web/build.mjs aliases them for esbuild (the
// compiled index.js exports instantiate() and the runtime's classes; see runtime/host/single-thread.ts).
declare module 'w2js-kernel-threads' {
  export function instantiate(imports?: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
  export const Memory: unknown;
}
declare module 'w2js-kernel-single' {
  export function instantiate(imports?: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
  export const Memory: unknown;
}
