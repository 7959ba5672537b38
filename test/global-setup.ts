// Runs once before all suites. Filled in as parts land: generates the toy CLIP model.
export default async function globalSetup(): Promise<void> {}
