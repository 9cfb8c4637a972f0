import { parsePort } from "../src/compose/ports";

describe("parsePort", () => {
  test.each<[unknown, number | undefined, string | undefined, boolean, string]>([
    ["80", 80, undefined, false, "tcp"],
    [80, 80, undefined, false, "tcp"],
    ["8080:80", 80, undefined, false, "tcp"],
    ["${WIKI_HTTP_PORT}:80", 80, undefined, false, "tcp"],
    ["${PORT:-8080}:80", 80, undefined, false, "tcp"],
    ["127.0.0.1:5432:5432", 5432, "127.0.0.1", true, "tcp"],
    ["0.0.0.0:8123:8123", 8123, "0.0.0.0", false, "tcp"],
    ["[::1]:5432:5432", 5432, "[::1]", true, "tcp"],
    ["localhost:6379:6379", 6379, "localhost", true, "tcp"],
    ["53:53/udp", 53, undefined, false, "udp"],
    ["8000-8001:8000-8001", 8000, undefined, false, "tcp"],
    [{ target: 5432, published: 5432 }, 5432, undefined, false, "tcp"],
    [{ target: 5432, host_ip: "127.0.0.1", published: 15432 }, 5432, "127.0.0.1", true, "tcp"],
  ])("%j", (entry, container, hostIp, loopback, protocol) => {
    const port = parsePort(entry);
    expect(port.containerPort).toBe(container);
    expect(port.hostIp).toBe(hostIp);
    expect(port.loopback).toBe(loopback);
    expect(port.protocol).toBe(protocol);
  });
});
