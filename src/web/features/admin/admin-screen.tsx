import { Fragment, type ReactNode } from 'react';
import { useRoute } from '../../app/router.ts';
import { type Key, useT } from '../../i18n/index.ts';
import { AdminList, AdminListItem, AdminPanes, Loading, useAdminItems, useNotice } from './admin-list.tsx';

/** The words every list-and-editor screen says, each under its catalogue group (`sms.admin.list` …). */
type ScreenWord = 'title' | 'list' | 'none' | 'new' | 'refresh' | 'loading' | 'choose';
type GroupOf<K> = K extends `${infer G}.title` ? G : never;
/** A catalogue group that has all of them: a screen names its group, not seven keys. */
export type ScreenWords = { [G in GroupOf<Key>]: `${G}.${ScreenWord}` extends Key ? G : never }[GroupOf<Key>];

/**
 * The state of a list-and-editor screen at `base` (`/admin/sms`): the record open in the editor
 * (`base/<id|new>`), the records from `GET path` (again every `refreshMs` when given), and the
 * notice line of the page shown.
 */
export function useAdminScreen<T>(base: string, path: string, noticeId: string, refreshMs?: number) {
  const id = useRoute()[base.split('/').filter(Boolean).length];
  const records = useAdminItems<T>(path, refreshMs);
  const notice = useNotice(`${base}${id ? `/${id}` : ''}`, noticeId);
  return { ...records, id, base, notice };
}

/** What the list shows of one record: its name (the link), whether it is on, its data-* and its lines. */
export interface ListEntry {
  title: string;
  active: boolean;
  data: Record<`data-${string}`, string>;
  lines: ReactNode;
}

/**
 * A list-and-editor administration screen: the records in a list linking to their editor, the
 * editor for the one open (or a new one), loading and "choose one" otherwise. A screen gives its
 * words, what an entry shows and its editor; `page` is another tab's page in their place.
 */
export function AdminScreen<T extends { id: string }>({
  screen,
  className,
  words,
  tabs,
  page,
  entry,
  editor,
}: {
  screen: ReturnType<typeof useAdminScreen<T>>;
  className: string;
  words: ScreenWords;
  tabs?: ReactNode;
  page?: ReactNode;
  entry(record: T): ListEntry;
  /** The editor of a record, or of a new one (null). */
  editor(current: T | null): ReactNode;
}) {
  const t = useT();
  const word = (w: ScreenWord) => t(`${words}.${w}` as Key);
  const { items, error, load, id, base, notice } = screen;
  let list: ReactNode = null;
  let body: ReactNode;
  if (page) body = page;
  else if (!items) body = <Loading error={error} text={word('loading')} />;
  else {
    const current = items.find((x) => x.id === id) ?? null;
    list = (
      <AdminList
        label={word('list')}
        count={items.length}
        none={word('none')}
        newHref={`#${base}/new`}
        newLabel={word('new')}
        current={id}
        refreshLabel={word('refresh')}
        onRefresh={load}
      >
        {items.map((x) => {
          const e = entry(x);
          return (
            <AdminListItem
              key={x.id}
              href={`#${base}/${x.id}`}
              current={id === x.id}
              active={e.active}
              title={e.title}
              data={e.data}
            >
              {e.lines}
            </AdminListItem>
          );
        })}
      </AdminList>
    );
    body =
      id === 'new' || current ? (
        <Fragment key={id}>{editor(current)}</Fragment>
      ) : (
        <p className="hint">{word('choose')}</p>
      );
  }
  return (
    <AdminPanes className={className} title={word('title')} tabs={tabs} list={list} notice={notice}>
      {body}
    </AdminPanes>
  );
}
