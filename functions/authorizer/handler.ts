// Placeholder while issue 12's access work lands: refuses every credential.
export const handler = async () => ({ isAuthorized: false });
