import type { Selectable } from 'kysely';
import type {
  CalendarCreateDto,
  CalendarDto,
  CalendarPatchDto,
  HolidayDto,
  HolidayImportDto,
} from '../../../shared/contracts/sla.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { BusinessCalendarsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError, invalidFields, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { type BusinessCalendar, calendarProblems } from './business-time.ts';

type Row = Selectable<BusinessCalendarsTable>;
type Hours = BusinessCalendar['hours'];

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

function present(r: Row): CalendarDto {
  const hours = parseJson<Hours>(r.hours, {});
  const weekly = Object.values(hours)
    .flat()
    .reduce((sum, iv) => sum + (iv ? minutes(iv[1]) - minutes(iv[0]) : 0), 0);
  return {
    id: r.id,
    name: r.name,
    timeZone: r.time_zone,
    hours: hours as CalendarDto['hours'],
    holidays: parseJson<HolidayDto[]>(r.holidays, []),
    weeklyOpenHours: weekly / 60,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The calendar as the business-time arithmetic needs it. */
export function toBusinessCalendar(c: CalendarDto): BusinessCalendar {
  return { timeZone: c.timeZone, hours: c.hours as Hours, holidays: c.holidays.map((h) => h.date) };
}

function check(c: { timeZone: string; hours: Hours; holidays: HolidayDto[] }) {
  const problems = calendarProblems({
    timeZone: c.timeZone,
    hours: c.hours,
    holidays: c.holidays.map((h) => h.date),
  });
  if (problems.length) throw invalidFields(problems);
}

const sortedUnique = (hs: HolidayDto[]) =>
  [...new Map(hs.map((h) => [h.date, h])).values()].sort((a, b) => a.date.localeCompare(b.date));

/** Business calendars: opening hours per weekday, time zone, public holidays. */
export class CalendarsService {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async list(): Promise<CalendarDto[]> {
    return (
      await this.ctx.store.db.selectFrom('business_calendars').selectAll().orderBy('name').execute()
    ).map(present);
  }

  async get(id: string, trx: Executor = this.ctx.store.db): Promise<CalendarDto> {
    const r = await trx.selectFrom('business_calendars').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('calendar.not_found', id);
    return present(r);
  }

  async create(actor: Actor, input: CalendarCreateDto): Promise<CalendarDto> {
    const holidays = sortedUnique(input.holidays ?? []);
    check({ timeZone: input.timeZone, hours: input.hours as Hours, holidays });
    const at = nowIso(this.ctx);
    const row = {
      id: newId(),
      name: input.name,
      time_zone: input.timeZone,
      hours: JSON.stringify(input.hours),
      holidays: JSON.stringify(holidays),
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      if (
        await trx
          .selectFrom('business_calendars')
          .select('id')
          .where('name', '=', row.name)
          .executeTakeFirst()
      ) {
        throw new AppError('calendar.name_taken', row.name, {
          errors: [fieldError('/body/name', 'taken', 'is taken')],
        });
      }
      await trx.insertInto('business_calendars').values(row).execute();
      const out = present(row);
      await audit(trx, {
        at,
        actor,
        entityType: 'business_calendar',
        entityId: row.id,
        action: 'calendar.created',
        after: out,
      });
      return out;
    });
  }

  private async change(
    actor: Actor,
    id: string,
    action: string,
    edit: (c: CalendarDto) => CalendarDto,
  ): Promise<CalendarDto> {
    return tx(this.ctx, async (trx) => {
      const r = await trx
        .selectFrom('business_calendars')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) throw notFound('calendar.not_found', id);
      const before = present(r);
      const next = edit(before);
      check({ timeZone: next.timeZone, hours: next.hours as Hours, holidays: next.holidays });
      if (
        next.name !== before.name &&
        (await trx
          .selectFrom('business_calendars')
          .select('id')
          .where('name', '=', next.name)
          .executeTakeFirst())
      ) {
        throw new AppError('calendar.name_taken', next.name, {
          errors: [fieldError('/body/name', 'taken', 'is taken')],
        });
      }
      const updated: Row = {
        ...r,
        name: next.name,
        time_zone: next.timeZone,
        hours: JSON.stringify(next.hours),
        holidays: JSON.stringify(next.holidays),
        updated_at: nowIso(this.ctx),
      };
      const { id: _id, created_at: _created, ...set } = updated;
      await trx
        .updateTable('business_calendars')
        .set(set as never)
        .where('id', '=', id)
        .execute();
      const after = present(updated);
      await audit(trx, {
        at: updated.updated_at,
        actor,
        entityType: 'business_calendar',
        entityId: id,
        action,
        ...diff(before, after),
      });
      return after;
    });
  }

  update(actor: Actor, id: string, input: CalendarPatchDto): Promise<CalendarDto> {
    return this.change(actor, id, 'calendar.updated', (c) => ({
      ...c,
      name: input.name ?? c.name,
      timeZone: input.timeZone ?? c.timeZone,
      hours: (input.hours as CalendarDto['hours']) ?? c.hours,
      holidays: input.holidays ? sortedUnique(input.holidays) : c.holidays,
    }));
  }

  /** Add (or, with `replace`, set) public holidays from a list, e.g. a government's published dates. */
  importHolidays(actor: Actor, id: string, input: HolidayImportDto): Promise<CalendarDto> {
    return this.change(actor, id, 'calendar.holidays_imported', (c) => ({
      ...c,
      holidays: sortedUnique(input.replace ? input.holidays : [...c.holidays, ...input.holidays]),
    }));
  }
}
