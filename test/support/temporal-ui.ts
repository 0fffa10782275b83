// Temporal's Web UI (the one `temporal server start-dev` embeds, UI 2.54) as a person reads it:
// an install's current details, its summary, the workflow list's rows, and the one-time
// step that puts the Katonic search attributes in the list (docs/operating.md). The names
// used (button labels, element ids, the localStorage key) are the UI's own, from its source
// (temporalio/ui: src/lib/stores/configurable-table-columns.ts,
// src/lib/components/workflow/configurable-table-headers-drawer/, src/lib/components/user-metadata.svelte).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';

/** Where this UI keeps a browser's workflow-list columns: localStorage, per namespace. */
const COLUMNS_STORAGE_KEY = 'namespace-workflow-table-columns';

/** The workflow list's columns until someone changes them (the UI's DEFAULT_WORKFLOWS_COLUMNS). */
const DEFAULT_COLUMNS = ['Status', 'Workflow ID', 'Run ID', 'Type', 'Start', 'End'];
/** Dropped to make room. */
const DROPPED_COLUMNS = ['Run ID', 'End'];
/** Every Katonic search attribute but the ticket. */
const KATONIC_COLUMNS = Object.values(SEARCH_ATTRIBUTES)
  .map((key) => key.name)
  .filter((name) => name !== SEARCH_ATTRIBUTES.ticket.name);
/** The list's columns after the operator's one-time step. */
export const OPERATOR_COLUMNS = [...DEFAULT_COLUMNS.filter((c) => !DROPPED_COLUMNS.includes(c)), ...KATONIC_COLUMNS];

/** Reads `read` every half second until `done` holds of its value or `timeoutMs` passes; the last value either way. */
export async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(500);
  }
}

/** The text of one of the install page's markdown panes (each an iframe of its own), or '' while it loads. */
const pane = (page: Page, id: 'user-metadata-summary' | 'user-metadata-current-details') =>
  page
    .frameLocator(`#${id}`)
    .locator('body')
    .innerText({ timeout: 2_000 })
    .catch(() => '');

const firstLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .find(Boolean) ?? '';

/** On an install's User Metadata tab: the first line of its current details, asked of the worker again (the page's "R"). */
export async function currentDetailsHeadline(page: Page): Promise<string> {
  // The page's R as the keydown event its handler reads: a real key press also draws the
  // keyboard-focus ring around the page's main part, which would be in the pictures.
  await page.locator('body').dispatchEvent('keydown', { key: 'r' });
  return firstLine(await pane(page, 'user-metadata-current-details'));
}

/** On an install's User Metadata tab: its summary, fixed at its start. */
export const summaryText = async (page: Page): Promise<string> => firstLine(await pane(page, 'user-metadata-summary'));

/** Opens a tab of the install page that is open (Timeline, User Metadata, ...). */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
}

/** The Input pane of the install page that is open, as the page shows it (decoded by the codec server, or not). */
export const inputText = (page: Page): Promise<string> => page.getByTestId('input-and-result').locator(':scope > *').first().innerText();

/** The workflow list's rows of the workflows `ids` after a Refresh: by id, column name to cell text ({} for a row not shown). */
export async function listRows<Id extends string>(page: Page, ids: Id[]): Promise<Record<Id, Record<string, string>>> {
  await page.getByRole('button', { name: 'Refresh' }).click();
  const row = (id: string) => page.locator('table tbody tr').filter({ has: page.getByRole('link', { name: id, exact: true }) });
  await Promise.all(
    ids.map((id) =>
      row(id)
        .waitFor({ timeout: 5_000 })
        .catch(() => undefined),
    ),
  );
  // The selection checkboxes' column has no name.
  const headers = await page.locator('table thead th').evaluateAll((ths) => ths.map((th) => (th.querySelector('input') ? '' : (th.textContent ?? ''))));
  const rows = await Promise.all(
    ids.map(async (id) => {
      const cells = await row(id)
        .locator('td')
        .allInnerTexts()
        .catch(() => []);
      return [id, cells.length ? Object.fromEntries(headers.flatMap((header, i) => (header.trim() ? [[header.trim(), cells[i]?.trim() ?? '']] : []))) : {}];
    }),
  );
  return Object.fromEntries(rows) as Record<Id, Record<string, string>>;
}

/** The workflow-list columns this browser keeps for a namespace (none until someone configures them). */
export async function storedColumns(page: Page, namespace = 'default'): Promise<string[]> {
  // Runs in the page: its localStorage (this project's tsconfig has no DOM types).
  const json = await page.evaluate(
    (key) => (globalThis as { localStorage?: { getItem(key: string): string | null } }).localStorage?.getItem(key),
    COLUMNS_STORAGE_KEY,
  );
  const columns = JSON.parse(json ?? '{}') as Record<string, { label: string }[] | undefined>;
  return columns[namespace]?.map((c) => c.label) ?? [];
}

/**
 * The one-time step of docs/operating.md, on the workflow list: Configure Columns, the Katonic
 * columns added and Run ID and End removed; `shot` is called with the drawer open. The browser
 * keeps them (COLUMNS_STORAGE_KEY).
 */
export async function addKatonicColumns(page: Page, shot: () => Promise<unknown>): Promise<void> {
  await page.getByRole('button', { name: 'Configure Columns' }).click();
  const drawer = page.locator('#workflows-table-configuration-drawer');
  for (const column of DROPPED_COLUMNS) await drawer.getByRole('button', { name: `Remove ${column} column` }).click();
  for (const column of KATONIC_COLUMNS) await drawer.getByRole('button', { name: `Add ${column} column` }).click();
  // The columns in view at the drawer's top, for the picture.
  await drawer.getByText('(in view)').first().scrollIntoViewIfNeeded();
  await shot();
  await drawer.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
}
