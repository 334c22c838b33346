// Branded ids: a provider's message id and ours are both strings, and must never be mixed up.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type FirmId = Brand<string, 'FirmId'>;
export type AccountId = Brand<string, 'AccountId'>;
export type MessageId = Brand<string, 'MessageId'>;
export type ProviderMessageId = Brand<string, 'ProviderMessageId'>;
export type ConversationId = Brand<string, 'ConversationId'>;
export type IdentityId = Brand<string, 'IdentityId'>;
export type UserId = Brand<string, 'UserId'>;

export const asAccountId = (value: string) => value as AccountId;
export const asMessageId = (value: string) => value as MessageId;
export const asProviderMessageId = (value: string) => value as ProviderMessageId;
