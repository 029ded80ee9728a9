import { formatDateTime, formatTime } from "../format";
import { useI18n } from "../state";

/**
 * An instant in the viewer's language. `zone` names the zone it matters in (a punch's own, an
 * employee's); without one it is the viewer's own and left unnamed. `timeOnly` where the date is
 * already said.
 */
export function When({ ms, zone, timeOnly = false }: { ms: number; zone?: string | null; timeOnly?: boolean }) {
  const { locale } = useI18n();
  return <time dateTime={new Date(ms).toISOString()}>{timeOnly ? formatTime(locale, ms, zone) : formatDateTime(locale, ms, zone)}</time>;
}
