/**
 * What each IdP asks for when it is pointed at Bulwark, in its own words
 * (the labels its console shows). The long form, with what each IdP sends
 * and how Bulwark handles it, is docs/idp/.
 */

/** `base_url` and `token` are filled in on the page; anything else is shown as written. */
export type FieldValue = { kind: 'base_url' } | { kind: 'token' } | { kind: 'text'; text: string };

export interface IdpGuide {
  id: string;
  name: string;
  intro: string;
  steps: string[];
  fields: Array<{ label: string; value: FieldValue }>;
  deprovisions: string;
}

const BASE_URL: FieldValue = { kind: 'base_url' };
const TOKEN: FieldValue = { kind: 'token' };
const text = (value: string): FieldValue => ({ kind: 'text', text: value });

export const IDP_GUIDES: readonly IdpGuide[] = [
  {
    id: 'okta',
    name: 'Okta',
    intro: 'Okta admin console → Applications → your app integration.',
    steps: [
      'On the General tab, set Provisioning to SCIM; then open Provisioning → Integration → Edit.',
      'Fill in the fields below and choose Test Connector Configuration.',
      'Under Provisioning → To App, enable Create Users, Update User Attributes and Deactivate Users.',
      'Assign people to the app, then push the groups that should grant roles (Push Groups).',
    ],
    fields: [
      { label: 'SCIM connector base URL', value: BASE_URL },
      { label: 'Unique identifier field for users', value: text('userName') },
      {
        label: 'Supported provisioning actions',
        value: text('Push New Users, Push Profile Updates, Push Groups'),
      },
      { label: 'Authentication Mode', value: text('HTTP Header') },
      { label: 'Authorization (Bearer)', value: TOKEN },
    ],
    deprovisions: 'Okta deactivates people (active: false) and never deletes them.',
  },
  {
    id: 'entra',
    name: 'Entra ID',
    intro: 'Microsoft Entra admin center → Enterprise applications.',
    steps: [
      'New application → Create your own application (non-gallery).',
      'Provisioning → Get started; set Provisioning Mode to Automatic.',
      'Under Admin Credentials, fill in the fields below and choose Test Connection.',
      'Keep the default mappings (userPrincipalName → userName, objectId → externalId).',
      'Assign users and groups, set Provisioning Status to On and save.',
    ],
    fields: [
      { label: 'Tenant URL', value: BASE_URL },
      { label: 'Secret Token', value: TOKEN },
    ],
    deprovisions:
      'Entra sets active to "False" when a person is disabled or unassigned, and deletes them later.',
  },
  {
    id: 'google',
    name: 'Google Workspace',
    intro:
      'Google Workspace does not push SCIM to custom apps: a SCIM bridge reads your Google directory and pushes it to Bulwark.',
    steps: [
      'In the bridge, add a SCIM 2.0 target and fill in the fields below.',
      'Choose the organisational units and groups to sync.',
      'Map the primary email to userName.',
      'Run the first sync, then map the synced groups to roles here.',
    ],
    fields: [
      { label: 'SCIM base URL', value: BASE_URL },
      { label: 'Bearer token', value: TOKEN },
      { label: 'userName', value: text('Primary email') },
    ],
    deprovisions: 'The bridge deletes a person who is removed in Google.',
  },
  {
    id: 'onelogin',
    name: 'OneLogin',
    intro: 'OneLogin administration → Applications → Add App.',
    steps: [
      'Add the “SCIM Provisioner with SAML (SCIM v2 Enterprise)” connector.',
      'On the Configuration tab, fill in the fields below and enable the API connection.',
      'On the Provisioning tab, enable provisioning and choose what happens to deleted users (Delete, or Suspend).',
      'Under Rules, map OneLogin roles or groups to SCIM groups.',
    ],
    fields: [
      { label: 'SCIM Base URL', value: BASE_URL },
      { label: 'SCIM Bearer Token', value: TOKEN },
      {
        label: 'SCIM JSON Template',
        value: text('The default; userName must be the sign-in name, usually the email.'),
      },
    ],
    deprovisions: 'OneLogin deletes the person, or sets active: false with the Suspend action.',
  },
  {
    id: 'ping',
    name: 'Ping Identity',
    intro:
      'PingFederate: an SP connection with Outbound Provisioning. PingOne: a SCIM provisioning connection.',
    steps: [
      'Create the connection with provisioning type SCIM 2.0.',
      'On the Target step, fill in the fields below.',
      'Map the attributes and choose the source groups to provision.',
      'Once groups arrive, map them to roles here.',
    ],
    fields: [
      { label: 'SCIM URL', value: BASE_URL },
      { label: 'Authentication Method', value: text('OAuth 2 Bearer Token') },
      { label: 'Access Token', value: TOKEN },
      { label: 'Unique user identifier', value: text('userName') },
      { label: 'User and group update method', value: text('PUT or PATCH: both work') },
    ],
    deprovisions: 'Ping sends the whole user again (PUT) with active: false.',
  },
];
