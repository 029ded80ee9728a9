import { NetworkInputSchema, NetworkListSchema, NetworkSchema, NetworkUpdateSchema } from "../../../shared/api";
import { networks } from "../../db/schema";
import { toNetwork } from "../../services/records";
import { employeeScopedRoutes } from "./rule-config";

/** Allowed IP ranges, company-wide or for chosen employees. */
export const networkRoutes = employeeScopedRoutes({
  table: networks,
  noun: "network",
  plural: "networks",
  toRecord: toNetwork,
  schemas: { input: NetworkInputSchema, update: NetworkUpdateSchema, record: NetworkSchema, list: NetworkListSchema },
  summaries: {
    list: "Allowed IP ranges (CIDR, IPv4 or IPv6), by name",
    create: "Add an allowed IP range (stored normalised; employeeIds null or left out: company-wide)",
    get: "One network",
    update: "Change a network",
    remove: "Remove a network",
  },
});
