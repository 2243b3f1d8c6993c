/**
 * Checks on what arrives over postMessage, before anything acts on it: the
 * envelope (ours, this protocol version, a known kind) and, per message type,
 * the payload. Anything that fails is dropped and counted, never acted on.
 */
import { CHANNEL, type WireMessage } from './protocol';

const KINDS = new Set(['event', 'request', 'response', 'stream', 'cancel']);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ours (channel 'refact-tab') with a well-formed envelope; the payload is checked per type later. */
export function isWireMessage(data: unknown): data is WireMessage {
  if (!isRecord(data) || data.channel !== CHANNEL || typeof data.version !== 'number') return false;
  if (typeof data.kind !== 'string' || !KINDS.has(data.kind)) return false;
  const needsId = data.kind !== 'event';
  if (needsId && (typeof data.id !== 'string' || data.id === '' || data.id.length > 200)) return false;
  if ((data.kind === 'event' || data.kind === 'request') && (typeof data.type !== 'string' || data.type === '')) return false;
  if (data.kind === 'response' && typeof data.ok !== 'boolean') return false;
  return true;
}

/** Looks like our protocol (for a "wants to connect" prompt), whatever its origin. */
export function looksLikeOurs(data: unknown): boolean {
  return isRecord(data) && data.channel === CHANNEL;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isOptional =
  <T>(guard: (v: unknown) => v is T) =>
  (v: unknown): v is T | undefined =>
    v === undefined || guard(v);
export const isNullable =
  <T>(guard: (v: unknown) => v is T) =>
  (v: unknown): v is T | null =>
    v === null || guard(v);

/** A record whose listed fields pass their guards (others are ignored). */
export function hasFields(value: unknown, fields: Record<string, (v: unknown) => boolean>): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  return Object.entries(fields).every(([key, guard]) => guard(value[key]));
}

export const isArrayOf =
  <T>(guard: (v: unknown) => v is T) =>
  (v: unknown): v is T[] =>
    Array.isArray(v) && v.every(guard);
