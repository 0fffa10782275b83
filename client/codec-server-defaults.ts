// Where the codec server listens and which pages may call it, unless told otherwise.
export const CODEC_SERVER_PORT = 8888;
export const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
