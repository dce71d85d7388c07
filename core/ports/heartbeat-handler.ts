/**
 * The heartbeat handler port (DESIGN.md, "Plugin ports"): every monitor heartbeat's
 * `ext_data` is handed, with the client it came from, to the registered handlers after the
 * heartbeat is recorded. A handler never writes the database and cannot fail a heartbeat.
 */
export interface HeartbeatEvent {
  merchantId: number;
  clientName: string;
  /** The heartbeat's `channel_id` (a collection account id), if given. */
  channelId: number | null;
  /** Collection accounts the client serves, now online. */
  collectionAccountIds: number[];
  /** `ext_data` exactly as received. */
  extDataRaw: string | null;
  /** `ext_data` parsed as JSON, or null when absent or not JSON. */
  extData: unknown;
  receivedAt: Date;
}

export interface HeartbeatHandler {
  /** Registry name, e.g. `log`. */
  readonly id: string;
  handle(event: HeartbeatEvent): Promise<void>;
}
