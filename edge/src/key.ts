/**
 * The ordering key of a message: the equipment it is about. Order matters per machine (a downtime
 * end must not overtake its start); messages about different machines may pass each other.
 * Header `x-equipment-id` wins; otherwise JSON `equipmentId` (one event, or a batch whose events
 * all name the same one), else the order number; B2MML: the first EquipmentActual/EquipmentID.
 * Anything else shares one plant-wide lane, which is always safe, just slower.
 */
export const PLANT_LANE = '_plant';

export const keyOf = (contentType: string, body: string, header: string | undefined): string => {
  if (header?.trim()) return clean(header);
  if (contentType.includes('json')) {
    try {
      const value = JSON.parse(body) as Record<string, unknown>;
      const events = Array.isArray(value.events) ? (value.events as Record<string, unknown>[]) : [value];
      const keys = new Set(events.map(eventKey));
      const [only] = keys;
      return keys.size === 1 && only !== undefined ? only : PLANT_LANE;
    } catch {
      return PLANT_LANE;
    }
  }
  const match =
    /<(?:[\w.-]+:)?EquipmentActual\b[^>]*>[\s\S]*?<(?:[\w.-]+:)?EquipmentID>\s*([^<\s][^<]*?)\s*</.exec(body);
  return match?.[1] ? clean(match[1]) : PLANT_LANE;
};

const eventKey = (event: Record<string, unknown> | null): string => {
  if (event && typeof event.equipmentId === 'string' && event.equipmentId.trim())
    return clean(event.equipmentId);
  if (event && typeof event.orderNumber === 'string' && event.orderNumber.trim()) {
    return `order:${clean(event.orderNumber)}`;
  }
  return PLANT_LANE;
};

const clean = (value: string): string => value.trim().slice(0, 64);
