/** Types for the layer rule (eslint-rules/layers.js), used by tests/unit/layers. */
export declare const LAYER_ORDER: Readonly<Record<'app' | 'web' | 'cli' | 'services' | 'sync' | 'store', number>>;
export declare function forbiddenImport(fromFile: string, specifier: string, root: string): { from: string; to: string } | null;
declare const plugin: { rules: Record<string, unknown> };
export default plugin;
