import { createClient, staffApi } from "../shared/api.js";

/** The dashboard is served by the API's own origin: relative paths, the staff cookie rides along. */
export const api = staffApi(createClient(""));
