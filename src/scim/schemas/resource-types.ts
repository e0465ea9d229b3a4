import type { AttributeDefinition, SchemaDefinition } from './attribute';
import { commonAttributes } from './common';
import { GROUP_SCHEMA, groupSchema } from './group';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, enterpriseUserSchema, userSchema } from './user';

/** A resource type (RFC 7643 §6): its core schema and its extensions. */
export interface ResourceType {
  name: 'User' | 'Group';
  endpoint: string;
  schema: SchemaDefinition;
  extensions: SchemaDefinition[];
  common: AttributeDefinition[];
}

export const userResourceType: ResourceType = {
  name: 'User',
  endpoint: '/Users',
  schema: userSchema,
  extensions: [enterpriseUserSchema],
  common: commonAttributes,
};

export const groupResourceType: ResourceType = {
  name: 'Group',
  endpoint: '/Groups',
  schema: groupSchema,
  extensions: [],
  common: commonAttributes,
};

export { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA };
