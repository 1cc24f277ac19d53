import type { Pagination } from './types.js';

/** One page of a list: its items and the spec's `pagination`. */
export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/**
 * Every item of a paginated list, page after page (`current_page` 1, 2, …), fetched as the
 * iteration goes: stop iterating and no further page is asked for.
 */
export async function* allPages<T>(
  fetchPage: (page: number) => Promise<Page<T>>,
): AsyncIterable<T> {
  for (let page = 1; ; page++) {
    const { items, pagination } = await fetchPage(page);
    yield* items;
    // An empty page ends it too: a server whose total_pages is off never loops forever.
    if (items.length === 0 || page >= pagination.total_pages) return;
  }
}
