import type { Container } from '@azure/cosmos';

/** Counts the calls of one method of an SDK object; the real method still runs. `restore()` puts it back. */
export function countCalls<T extends object, K extends keyof T>(target: T, method: K): { readonly count: number; restore(): void } {
  const original = target[method] as unknown as (...args: unknown[]) => unknown;
  let count = 0;
  target[method] = ((...args: unknown[]) => {
    count++;
    return original.apply(target, args);
  }) as T[K];
  return {
    get count() {
      return count;
    },
    restore: () => {
      target[method] = original as T[K];
    },
  };
}

/** Counts point reads (`item(id).read()`) on a container, of one document when `id` is given. `restore()` puts it back. */
export function countItemReads(container: Container, id?: string): { readonly count: number; restore(): void } {
  const item = container.item.bind(container);
  let count = 0;
  container.item = ((itemId: string, partitionKey?: Parameters<Container['item']>[1]) => {
    const found = item(itemId, partitionKey);
    if (id === undefined || itemId === id) {
      const read = found.read.bind(found);
      found.read = ((...args: Parameters<typeof read>) => {
        count++;
        return read(...args);
      }) as typeof found.read;
    }
    return found;
  }) as Container['item'];
  return {
    get count() {
      return count;
    },
    restore: () => {
      container.item = item;
    },
  };
}
