/** Key the local server accepts (it checks none); base64 so the real client can sign with it. */
export const LOCAL_COSMOS_KEY = Buffer.from('schakel-local-cosmos-key').toString('base64');
