/** Most punches one `POST /api/punches/batch` takes (API.md). */
export const MAX_BATCH_ITEMS = 100;
