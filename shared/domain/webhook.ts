/** Webhook subscriptions: who is told about which changes, and where. Each is managed by its owner (or an admin). */
import type { Recorded, SignatureScheme, WebhookChange, WebhookOwner, WebhookSettings, WebhookSigning } from './changes.ts';
import { DomainError } from './errors.ts';
import { jsonEqual } from './merge-patch.ts';

export interface Webhook extends WebhookSettings {
  id: string;
  owner: WebhookOwner;
  signature: SignatureScheme;
  /** `v1a`: the current public key (`whpk_…`) that verifies its messages. */
  publicKey?: string;
  disabled: boolean;
  disabledReason?: string;
  deleted: boolean;
  secretRotatedAt?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type WebhookState = Webhook | undefined;

export function evolveWebhook(state: WebhookState, change: Recorded<WebhookChange>): WebhookState {
  if (change.type === 'webhook.created') {
    return { id: change.streamId.slice('webhook#'.length), ...change.data, signature: change.data.signature ?? 'v1', disabled: false, deleted: false, createdAt: change.at, updatedAt: change.at, version: change.version };
  }
  if (!state) throw new Error(`${change.type} before webhook.created in ${change.streamId}`);
  const next: Webhook = { ...state, updatedAt: change.at, version: change.version };
  switch (change.type) {
    case 'webhook.updated': {
      const fields = next as unknown as Record<string, unknown>;
      for (const [field, value] of Object.entries(change.data)) {
        if (value === null) delete fields[field];
        else fields[field] = value;
      }
      if (change.data.disabled === false) delete next.disabledReason;
      return next;
    }
    case 'webhook.secretRotated':
      return { ...next, secretRotatedAt: change.at, ...(change.data.publicKey ? { publicKey: change.data.publicKey } : {}) };
    case 'webhook.disabled':
      return { ...next, disabled: true, disabledReason: change.data.reason };
    case 'webhook.deleted':
      return { ...next, deleted: true, disabled: true };
  }
}

export type Manager = { keyId: string; role: string };

/** Another owner's subscription does not exist, as far as a non-admin can tell. */
function managed(state: WebhookState, manager: Manager): Webhook {
  if (!state || state.deleted || (manager.role !== 'admin' && state.owner.keyId !== manager.keyId)) throw new DomainError('not_found', 'webhook not found');
  return state;
}

export function canSee(state: WebhookState, manager: Manager): state is Webhook {
  return !!state && !state.deleted && (manager.role === 'admin' || state.owner.keyId === manager.keyId);
}

export type WebhookCommand =
  | { type: 'create'; settings: WebhookSettings; signing: WebhookSigning; owner: WebhookOwner }
  | { type: 'update'; patch: { [K in keyof WebhookSettings]?: WebhookSettings[K] | null } & { disabled?: boolean }; manager: Manager; ownerRevoked?: boolean }
  | { type: 'rotateSecret'; previousValidUntil: string; publicKey?: string; manager: Manager }
  | { type: 'disable'; reason: string }
  | { type: 'delete'; manager: Manager };

export function decideWebhook(command: WebhookCommand, state: WebhookState): WebhookChange[] {
  switch (command.type) {
    case 'create':
      if (state) throw new DomainError('conflict', 'a webhook with this id already exists');
      return [{ type: 'webhook.created', data: { ...command.settings, ...command.signing, owner: command.owner } }];
    case 'update': {
      const current = managed(state, command.manager) as unknown as Record<string, unknown>;
      // The dispatcher would disable it again at once (audit F13): a subscription lives only as long as its owner's key.
      if (command.patch.disabled === false && command.ownerRevoked) {
        throw new DomainError('conflict', "the subscription cannot be enabled: its owner's API key was revoked", [
          { field: 'disabled', code: 'conflict', message: 'cannot be false: the API key that owns this subscription was revoked; create a new subscription with a current key' },
        ]);
      }
      const changed = Object.fromEntries(Object.entries(command.patch).filter(([field, value]) => value !== undefined && !jsonEqual(current[field] ?? null, value)));
      return Object.keys(changed).length > 0 ? [{ type: 'webhook.updated', data: changed }] : [];
    }
    case 'rotateSecret':
      managed(state, command.manager);
      return [{ type: 'webhook.secretRotated', data: { previousValidUntil: command.previousValidUntil, ...(command.publicKey ? { publicKey: command.publicKey } : {}) } }];
    case 'disable':
      return !state || state.deleted || state.disabled ? [] : [{ type: 'webhook.disabled', data: { reason: command.reason } }];
    case 'delete':
      managed(state, command.manager);
      return [{ type: 'webhook.deleted', data: {} }];
  }
}

/**
 * Private events and participants' e-mail addresses go to subscriptions owned by an admin or editor key; a
 * partner's subscription hears of public events only, without e-mail addresses.
 */
export function seesPrivateDetails(owner: WebhookOwner): boolean {
  return owner.role === 'admin' || owner.role === 'editor';
}

/**
 * Does this subscription want this change? Only changes recorded after the subscription was (journal time, a
 * recorded fact: the same answer on every redelivery, restart and rebuild), of its types, in its calendars, and
 * private events only for owners who may see them.
 */
export function wants(webhook: Webhook, change: { type: string; at: string }, event: { calendar?: string; visibility?: string } | undefined): boolean {
  if (webhook.disabled || webhook.deleted) return false;
  if (change.at <= webhook.createdAt) return false;
  if (!webhook.types.includes('*') && !webhook.types.includes(change.type)) return false;
  if (event?.visibility === 'private' && !seesPrivateDetails(webhook.owner)) return false;
  const calendar = event?.calendar;
  return !webhook.calendars || webhook.calendars.length === 0 || (calendar !== undefined && webhook.calendars.includes(calendar));
}
