import { createTemplate } from './test-db';

export default async function globalSetup(): Promise<void> {
  Object.assign(process.env, await createTemplate());
}
