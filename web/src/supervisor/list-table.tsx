// A list page's table in its card: "loading" until the list has come, the page's own text while
// it is empty, then one row a item under the column headings.
import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n.ts';

export function ListTable<T>(props: {
  items: T[] | null;
  empty: string;
  headings: ComponentChildren[];
  row: (item: T) => ComponentChildren;
  testid: string;
  /** Names the card and lets the keyboard reach it, to scroll a wide table sideways. */
  label?: string;
}) {
  const { t } = useI18n();
  const { items } = props;
  return (
    <section class="card scroll-x" {...(props.label ? { tabIndex: 0, 'aria-label': props.label } : {})}>
      {items === null ? (
        <p class="muted">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <table class="table" data-testid={props.testid}>
          <thead>
            <tr>
              {props.headings.map((heading) => (
                <th scope="col">{heading}</th>
              ))}
            </tr>
          </thead>
          <tbody>{items.map((item) => props.row(item))}</tbody>
        </table>
      )}
    </section>
  );
}
