import type { DB } from "./db/client";
import type { Role } from "../shared/api";

/** Who is calling, once an auth middleware has looked. */
export interface Principal {
  type: "employee" | "api_key";
  id: string;
  role: Role;
  /** The session that authenticated the request, when it was one. */
  sessionId: string | null;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: DB;
    principal: Principal;
    /** The verified calling origin, where a route checks one. */
    origin: string;
  };
}
