import { SiteInputSchema, SiteListSchema, SiteSchema, SiteUpdateSchema } from "../../../shared/api";
import { sites } from "../../db/schema";
import { toSite } from "../../services/records";
import { employeeScopedRoutes } from "./rule-config";

/** Company geofences, for everyone or chosen employees. */
export const siteRoutes = employeeScopedRoutes({
  table: sites,
  noun: "site",
  plural: "sites",
  toRecord: toSite,
  schemas: { input: SiteInputSchema, update: SiteUpdateSchema, record: SiteSchema, list: SiteListSchema },
  summaries: {
    list: "Sites (company geofences), by name",
    create: "Add a site (employeeIds null or left out: everyone)",
    get: "One site",
    update: "Change a site",
    remove: "Remove a site",
  },
});
