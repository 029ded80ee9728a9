import type { ComponentChildren } from "preact";
import { ErrorMessage } from "./ErrorMessage";
import { Loading } from "./Loading";

/**
 * The loading, error and empty states of one read, and its content once there: what was shown
 * stays while it loads again, so a refresh does not flicker.
 */
export function Loaded<T>(props: {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  onRetry?: () => void;
  /** Said instead of the content when there is nothing to show. */
  empty?: string;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ComponentChildren;
}) {
  const { data, error, loading } = props;
  return (
    <>
      <ErrorMessage message={error} onRetry={props.onRetry} />
      {data === undefined ? (
        loading && <Loading />
      ) : props.empty !== undefined && (props.isEmpty ?? defaultEmpty)(data) ? (
        <p class="empty">{props.empty}</p>
      ) : (
        props.children(data)
      )}
    </>
  );
}

const defaultEmpty = (data: unknown) => Array.isArray(data) && data.length === 0;
