import { sqlEqual, type SqlNode } from './engine.js';

/**
 * Reads the top-level `AND` conditions of a query's WHERE clause that compare a document path
 * with a constant or parameter (`c.a.b = x`, `c.a IN (x, y)`). Every row the engine returns
 * satisfies all of them, so documents failing one can be dropped before the engine sees them —
 * the engine then works on a partition (or less) instead of the whole container.
 */
export interface Condition {
  path: string[];
  /** Equality: one value; IN: the list. */
  values: unknown[];
  test(doc: unknown): boolean;
}

function node(value: unknown): SqlNode | undefined {
  return value && typeof value === 'object' && typeof (value as SqlNode).type === 'string' ? (value as SqlNode) : undefined;
}

function rootAlias(ast: SqlNode): string | undefined {
  const body = node(ast.body);
  const source = node(node(body?.from)?.source);
  const alias = node(source?.alias);
  if (alias?.type === 'identifier' && typeof alias.name === 'string') return alias.name;
  const collection = node(source?.expression);
  const inner = node(collection?.expression);
  return collection?.type === 'collection_expression' && inner?.type === 'identifier' && typeof inner.name === 'string' ? inner.name : undefined;
}

function pathOf(expr: SqlNode | undefined, alias: string): string[] | undefined {
  if (expr?.type !== 'scalar_member_expression') return undefined;
  const object = node(expr.object);
  const property = node(expr.property);
  let key: string | undefined;
  if (!expr.computed && property?.type === 'identifier' && typeof property.name === 'string') key = property.name;
  else if (expr.computed && property?.type === 'string_constant' && typeof property.value === 'string') key = property.value;
  if (key === undefined || !object) return undefined;
  if (object.type === 'identifier') return object.name === alias ? [key] : undefined;
  const parent = pathOf(object, alias);
  return parent ? [...parent, key] : undefined;
}

const NONE = Symbol('none');

function valueOf(expr: SqlNode | undefined, parameters: Map<string, unknown>): unknown {
  if (!expr) return NONE;
  if (expr.type === 'string_constant' || expr.type === 'number_constant') return expr.value;
  if (expr.type === 'parameter_name' && typeof expr.name === 'string' && parameters.has(expr.name)) return parameters.get(expr.name);
  return NONE;
}

function getPath(doc: unknown, path: string[]): unknown {
  let value = doc;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function conjuncts(condition: SqlNode | undefined, out: SqlNode[] = []): SqlNode[] {
  if (!condition) return out;
  if (condition.type === 'scalar_binary_expression' && condition.operator === 'AND') {
    conjuncts(node(condition.left), out);
    conjuncts(node(condition.right), out);
  } else out.push(condition);
  return out;
}

export function conditionsOf(ast: SqlNode, parameterList: { name: string; value: unknown }[] = []): Condition[] {
  const alias = rootAlias(ast);
  const where = node(node(ast.body)?.where);
  if (!alias || !where) return [];
  const parameters = new Map(parameterList.map((p) => [p.name, p.value]));
  const found: Condition[] = [];
  for (const c of conjuncts(node(where.condition))) {
    if (c.type === 'scalar_binary_expression' && c.operator === '=') {
      let path = pathOf(node(c.left), alias);
      let value = valueOf(node(c.right), parameters);
      if (!path || value === NONE) {
        path = pathOf(node(c.right), alias);
        value = valueOf(node(c.left), parameters);
      }
      if (path && value !== NONE) {
        const p = path;
        const v = value;
        found.push({ path: p, values: [v], test: (doc) => sqlEqual(getPath(doc, p), v) === true });
      }
    } else if (c.type === 'scalar_in_expression' && !c.not && Array.isArray(c.list)) {
      const path = pathOf(node(c.value), alias);
      const values = (c.list as unknown[]).map((v) => valueOf(node(v), parameters));
      if (path && !values.includes(NONE)) found.push({ path, values, test: (doc) => values.includes(getPath(doc, path)) });
    }
  }
  return found;
}

/** A value usable as a Map key for partition look-up (same identity as the engine's comparison). */
export function isPlainKey(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
