// What a server that a client could not connect to speaks: plain text, TLS, or TLS that asks for
// a client certificate. A client that connected in plain text to a TLS server, or without a
// certificate to one that requires it, is told so, instead of gRPC's "Failed to connect before
// the deadline".
import { connect } from 'node:tls';

export type TlsAnswer = 'no TLS' | 'TLS' | 'TLS with a client certificate';

export function probeTls(address: string, timeoutMs = 1000): Promise<TlsAnswer> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    // Only what it speaks, not who it is: the certificate is not checked, and nothing is sent.
    const socket = connect({
      host,
      port,
      servername: /^[\d.:]+$/.test(host) ? undefined : host,
      rejectUnauthorized: false,
      timeout: timeoutMs,
      ALPNProtocols: ['h2'],
    });
    let handshaken = false;
    const done = (answer: TlsAnswer) => {
      clearTimeout(settle);
      socket.destroy();
      resolve(answer);
    };
    // TLS 1.3: a server that requires a client certificate says so (an alert) just after the
    // handshake, when it has read the client's empty one.
    let settle: NodeJS.Timeout | undefined;
    socket.once('secureConnect', () => {
      handshaken = true;
      settle = setTimeout(() => done('TLS'), 300);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (/certificate required|handshake failure|bad certificate/i.test(err.message)) return done('TLS with a client certificate');
      done(handshaken || /^ERR_SSL_(?!WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG)/.test(err.code ?? '') ? 'TLS' : 'no TLS');
    });
    socket.once('timeout', () => done(handshaken ? 'TLS' : 'no TLS'));
  });
}
