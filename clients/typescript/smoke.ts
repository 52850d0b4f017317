// Smoke test of the eline API through the generated TypeScript client.
//
// The types come from schema.d.ts, which openapi-typescript generates from the server's
// /api/openapi.json (npm run generate; in CI .ci/api-contract). The script is type-checked
// (strict) against them, so a change of the contract that breaks a client breaks the build.
//
// What it does, as the demo account `member` (password eline-demo, or ELINE_USERNAME /
// ELINE_PASSWORD): log in as a device and refresh the token pair; who am I; an anonymous request
// gets a 401 problem; list the sessions; create an individual proposal (draft), send a file in two
// pieces and attach it, submit the draft; a stale version gets a 409
// version_conflict problem; read the proposal back; list the caller's proposals one per page,
// following next_cursor to the end, and find the new one; search for it (the index follows the
// database within seconds); read the notifications when the document has such a route, else
// say that it is skipped; last, the first refresh token again ends the device's session.
//
//   ELINE_URL=http://127.0.0.1:8080 node dist/smoke.js
//
// Exit status 0 when every step passed, 1 otherwise (the failed step, the HTTP status and the
// body are printed).

import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Problem = components["schemas"]["Problem"];
type ProposalOut = components["schemas"]["ProposalOut"];
type ProposalRowOut = components["schemas"]["ProposalRowOut"];

const baseUrl = (process.env.ELINE_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
const username = process.env.ELINE_USERNAME ?? "member";
const password = process.env.ELINE_PASSWORD ?? "eline-demo";
const started = Date.now();

class SmokeFailure extends Error {}

function fail(step: string, message: string, detail?: unknown): never {
    const shown = detail === undefined ? "" : `\n  ${JSON.stringify(detail).slice(0, 2000)}`;
    throw new SmokeFailure(`${step}: ${message}${shown}`);
}

function check(condition: boolean, step: string, message: string, detail?: unknown): asserts condition {
    if (!condition) {
        fail(step, message, detail);
    }
}

function ok(step: string, message: string): void {
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    console.log(`  ok  ${step}: ${message} (${seconds}s)`);
}

/** The body of a successful response; fails the step (status and problem shown) otherwise. */
function expectData<T>(
    step: string,
    result: { data?: T; error?: unknown; response: Response },
    status: number,
): T {
    const { data, error, response } = result;
    if (response.status !== status || data === undefined) {
        fail(step, `expected ${status}, got ${response.status} ${response.statusText}`, error ?? data);
    }
    return data;
}

/** The problem of an error response; fails the step unless it has this status and code. */
function expectProblem(
    step: string,
    result: { data?: unknown; error?: Problem; response: Response },
    status: number,
    code: string,
): Problem {
    const { data, error, response } = result;
    if (response.status !== status || error === undefined) {
        fail(step, `expected a ${status} problem, got ${response.status}`, error ?? data);
    }
    const contentType = response.headers.get("content-type") ?? "";
    check(contentType.startsWith("application/problem+json"), step, `content type ${contentType}`);
    check(error.code === code && error.status === status, step, `expected code ${code}`, error);
    check(typeof error.title === "string" && typeof error.detail === "string", step, "title and detail", error);
    return error;
}

// RFC 3339 date-time with a zone: Z or an offset such as +08:00.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

async function main(): Promise<void> {
    console.log(`smoke: ${baseUrl} as ${username}`);
    const client = createClient<paths>({ baseUrl });

    // -- the document (for the optional routes) ------------------------------------------------
    const documentResponse = await fetch(`${baseUrl}/api/openapi.json`);
    check(documentResponse.ok, "document", `GET /api/openapi.json answered ${documentResponse.status}`);
    const document = (await documentResponse.json()) as { openapi?: string; paths?: Record<string, unknown> };
    check(typeof document.openapi === "string" && document.openapi.startsWith("3.1"), "document", "OpenAPI 3.1", document.openapi);
    const routes = Object.keys(document.paths ?? {});
    ok("document", `OpenAPI ${document.openapi}, ${routes.length} paths`);

    // -- anonymous -----------------------------------------------------------------------------
    expectProblem("anonymous /me", await client.GET("/api/v1/me"), 401, "unauthenticated");
    ok("anonymous /me", "401 unauthenticated as application/problem+json");

    // -- log in: a device session -------------------------------------------------------------
    const device = `冒烟测试 ${Date.now().toString(36)}`;
    const login = expectData(
        "login",
        await client.POST("/api/v1/auth/login", { body: { username, password, device } }),
        200,
    );
    check(login.access_token.length > 0 && login.refresh_token.startsWith("eline_r_"), "login", "no token pair", login);
    check(login.token_type === "Bearer" && login.expires_in > 0 && login.device === device, "login", "token type, lifetime or device", login);
    check(RFC3339.test(login.expires_at) && RFC3339.test(login.session_expires_at), "login", "expiry times are not RFC 3339", login);
    check(login.user.username === username, "login", "the user is someone else", login.user);
    check(RFC3339.test(login.user.created_at), "login", `created_at is not RFC 3339: ${login.user.created_at}`);
    // The access token in use; replaced when refreshed.
    let token = login.access_token;
    const auth: Middleware = {
        onRequest({ request }) {
            request.headers.set("Authorization", `Bearer ${token}`);
            return request;
        },
    };
    client.use(auth);
    ok("login", `session ${login.session_id} on "${login.device}" for user ${login.user.id} (${login.user.display_name}), roles ${login.user.roles.join(",")}`);

    // -- refresh: a new pair; the old refresh token must not work twice (checked at the end) ---
    const anonymous = createClient<paths>({ baseUrl });
    const refreshed = expectData(
        "refresh",
        await anonymous.POST("/api/v1/auth/refresh", { body: { refresh_token: login.refresh_token } }),
        200,
    );
    check(refreshed.session_id === login.session_id, "refresh", "another session", refreshed);
    check(refreshed.access_token !== login.access_token && refreshed.refresh_token !== login.refresh_token, "refresh", "the pair did not change");
    token = refreshed.access_token;
    ok("refresh", `session ${refreshed.session_id}: new access token until ${refreshed.expires_at}`);

    const me = expectData("me", await client.GET("/api/v1/me"), 200);
    check(me.user_id === login.user.id && me.roles.includes("member"), "me", "not the member who logged in", me);
    check(me.member_id !== null && me.member_id !== undefined, "me", "a member account without member_id", me);
    ok("me", `user ${me.user_id}, member ${me.member_id}, committee ${me.committee_id}`);

    // -- sessions ------------------------------------------------------------------------------
    const sessions = expectData("sessions", await client.GET("/api/v1/sessions", { params: { query: { limit: 10 } } }), 200);
    const session = sessions.items.find((s) => !s.archived);
    check(session !== undefined, "sessions", "no open session", sessions);
    ok("sessions", `${sessions.items.length} sessions, using ${session.id} ${session.name} (${session.year})`);

    // -- create a draft and submit it ----------------------------------------------------------
    const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const title = `关于在老旧小区增设公共充电桩的提案（接口冒烟测试 ${tag}）`;
    const body =
        "当前老旧小区普遍缺少公共充电设施，居民私拉电线充电的现象屡禁不止，存在较大的消防安全隐患。" +
        "建议在老旧小区改造中同步规划建设公共充电桩，由街道统一选址，供电部门优先保障容量，" +
        "物业负责日常管理，并对新能源车主给予适当的电价优惠。";
    const draft: ProposalOut = expectData(
        "create",
        await client.POST("/api/v1/proposals", {
            body: { title, body, kind: "individual", session_id: session.id },
        }),
        201,
    );
    check(draft.status === "draft" && draft.kind === "individual", "create", "not an individual draft", draft);
    check(draft.title === title && draft.session_id === session.id, "create", "title or session differ", draft);
    check(draft.proposer_member_id === me.member_id, "create", "someone else's proposal", draft);
    check(draft.allowed_actions.includes("submit"), "create", "the draft cannot be submitted", draft.allowed_actions);
    ok("create", `draft ${draft.id} version ${draft.version}, actions ${draft.allowed_actions.join(",")}`);

    // -- a file in two pieces, attached to the draft --------------------------------------------
    const file = new Uint8Array(70_000);
    file.set(new TextEncoder().encode("%PDF-1.4\n"));
    for (let i = 9; i < file.length; i += 1) {
        file[i] = i % 251;
    }
    const upload = expectData(
        "upload",
        await client.POST("/api/v1/uploads", { body: { file_name: "现场照片说明.pdf", size: file.length } }),
        201,
    );
    check(upload.received === 0 && !upload.complete, "upload", "a new upload has bytes", upload);
    let received = 0;
    for (const end of [40_000, file.length]) {
        // Raw bytes: not through the typed client, whose body serialiser is JSON.
        const response = await fetch(`${baseUrl}/api/v1/uploads/${upload.id}`, {
            method: "PATCH",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream", "Upload-Offset": String(received) },
            body: file.slice(received, end),
        });
        const text = await response.text();
        check(response.status === 200, "upload", `piece at ${received} answered ${response.status}`, text);
        received = end;
        check(response.headers.get("upload-offset") === String(received), "upload", "Upload-Offset after the piece", text);
    }
    const status = expectData("upload", await client.GET("/api/v1/uploads/{id}", { params: { path: { id: upload.id } } }), 200);
    check(status.complete && status.received === file.length, "upload", "not complete", status);
    const attached = expectData(
        "upload",
        await client.POST("/api/v1/proposals/{id}/attachments/from-upload", {
            params: { path: { id: draft.id } },
            body: { upload_id: upload.id, purpose: "proposal" },
        }),
        201,
    );
    check(attached.size === file.length && attached.content_type === "application/pdf", "upload", "the attachment", attached);
    ok("upload", `${file.length} bytes in 2 pieces, attached as file ${attached.id} (${attached.file_name})`);

    const submitted = expectData(
        "submit",
        await client.POST("/api/v1/proposals/{id}/submit", {
            params: { path: { id: draft.id } },
            body: { version: draft.version },
        }),
        200,
    );
    check(submitted.status === "submitted", "submit", `status ${submitted.status}`, submitted);
    check(submitted.version > draft.version, "submit", "the version did not move on", submitted);
    ok("submit", `proposal ${submitted.id} ${submitted.status} (${submitted.status_label}), version ${submitted.version}`);

    const stale = expectProblem(
        "stale submit",
        await client.POST("/api/v1/proposals/{id}/submit", {
            params: { path: { id: draft.id } },
            body: { version: draft.version },
        }),
        409,
        "version_conflict",
    );
    ok("stale submit", `409 ${stale.code}: ${stale.detail}`);

    const invalid = expectProblem(
        "empty draft",
        await client.POST("/api/v1/proposals", { body: { title: "", body: "" } }),
        422,
        "validation_failed",
    );
    const fields = (invalid.errors ?? []).map((e) => e.field);
    check(fields.includes("title") || fields.includes("body"), "empty draft", "no field errors for title/body", invalid);
    ok("empty draft", `422 validation_failed on ${fields.join(", ")}`);

    const readBack = expectData(
        "read back",
        await client.GET("/api/v1/proposals/{id}", { params: { path: { id: draft.id } } }),
        200,
    );
    check(readBack.title === title && readBack.body === body, "read back", "title or body differ", readBack);
    check(readBack.status === "submitted" && readBack.version === submitted.version, "read back", "status or version", readBack);
    check(readBack.access === "full", "read back", `access ${readBack.access}`);
    ok("read back", `${readBack.id} ${readBack.status}, ${readBack.timeline.length} timeline entries`);

    // -- the list, one per page, following next_cursor ------------------------------------------
    const seen: ProposalRowOut[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
        const query: { limit: number; scope: "mine"; cursor?: string } = { limit: 1, scope: "mine" };
        if (cursor !== undefined) {
            query.cursor = cursor;
        }
        const page = expectData("list", await client.GET("/api/v1/proposals", { params: { query } }), 200);
        pages += 1;
        check(page.items.length <= 1, "list", `limit=1 answered ${page.items.length} items`, page);
        seen.push(...page.items);
        if (page.next_cursor === null || page.next_cursor === undefined) {
            break;
        }
        check(page.items.length === 1, "list", "a next_cursor after an empty page", page);
        check(page.next_cursor !== cursor, "list", "next_cursor did not move on", page);
        check(pages < 1000, "list", "more than 1000 pages");
        cursor = page.next_cursor;
    }
    const ids = seen.map((row) => row.id);
    check(new Set(ids).size === ids.length, "list", "a proposal on two pages", ids);
    check(seen[0]?.id === draft.id, "list", "the newest proposal is not first", ids);
    const row = seen.find((r) => r.id === draft.id);
    check(row !== undefined && row.status === "submitted" && row.title === title, "list", "the new proposal's row", row);
    const whole = expectData(
        "list",
        await client.GET("/api/v1/proposals", { params: { query: { scope: "mine", limit: 200 } } }),
        200,
    );
    check(
        JSON.stringify(whole.items.map((r) => r.id)) === JSON.stringify(ids),
        "list",
        "pages of one differ from one page of 200",
        { pages: ids, whole: whole.items.map((r) => r.id) },
    );
    ok("list", `${pages} pages of 1 (${ids.join(",")}), the same as one page of 200`);

    // -- search (the index follows the database within seconds) ---------------------------------
    const deadline = Date.now() + 30_000;
    let found = false;
    let polls = 0;
    while (!found) {
        polls += 1;
        const result = expectData(
            "search",
            await client.GET("/api/v1/search", { params: { query: { q: tag, type: "proposal", limit: 20 } } }),
            200,
        );
        const hit = result.items.find((item) => item.type === "proposal" && item.id === draft.id);
        if (hit !== undefined && hit.status === "submitted") {
            check(hit.title === title, "search", "the hit's title", hit);
            check(result.total >= 1 && result.words.length > 0, "search", "total or words", result);
            found = true;
            ok("search", `q=${tag}: ${result.total} hit(s), words ${result.words.join(" ")}, after ${polls} request(s)`);
            break;
        }
        check(Date.now() < deadline, "search", `proposal ${draft.id} (submitted) not found within 30 s`, result);
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const first = expectData(
        "search pages",
        await client.GET("/api/v1/search", { params: { query: { q: "提案", limit: 1 } } }),
        200,
    );
    if (first.next_cursor !== null && first.next_cursor !== undefined) {
        const second = expectData(
            "search pages",
            await client.GET("/api/v1/search", { params: { query: { q: "提案", limit: 1, cursor: first.next_cursor } } }),
            200,
        );
        const a = first.items[0];
        const b = second.items[0];
        check(a !== undefined && b !== undefined && `${a.type}${a.id}` !== `${b.type}${b.id}`, "search pages", "the second page repeats the first", { a, b });
        ok("search pages", `q=提案 total ${first.total}: page 1 ${a.type} ${a.id}, page 2 (cursor ${first.next_cursor}) ${b.type} ${b.id}`);
    } else {
        ok("search pages", `q=提案 total ${first.total}: a single page`);
    }

    // -- notifications, when the document has them ----------------------------------------------
    const notificationRoute = routes.find((p) => /^\/api\/v1\/(me\/)?notifications$/.test(p));
    if (notificationRoute === undefined) {
        console.log("  skip notifications: the document has no /api/v1/notifications route yet");
    } else {
        // Not through the typed client: the route is not in every version of the document.
        const response = await fetch(`${baseUrl}${notificationRoute}?limit=20`, {
            headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
        });
        const text = await response.text();
        check(response.status === 200, "notifications", `GET ${notificationRoute} answered ${response.status}`, text);
        const parsed = JSON.parse(text) as { items?: unknown };
        check(Array.isArray(parsed.items), "notifications", "no items array", parsed);
        ok("notifications", `GET ${notificationRoute}: ${parsed.items.length} item(s)`);
    }

    // -- a refresh token used twice ends the device's session ----------------------------------
    expectProblem(
        "refresh reuse",
        await anonymous.POST("/api/v1/auth/refresh", { body: { refresh_token: login.refresh_token } }),
        401,
        "unauthenticated",
    );
    expectProblem("refresh reuse", await client.GET("/api/v1/me"), 401, "unauthenticated");
    ok("refresh reuse", "the first refresh token again: 401, and the session it belonged to has ended");

    console.log(`smoke: all steps passed in ${((Date.now() - started) / 1000).toFixed(2)}s`);
}

main().catch((error: unknown) => {
    if (error instanceof SmokeFailure) {
        console.error(`smoke: FAILED ${error.message}`);
    } else {
        console.error("smoke: FAILED", error);
    }
    process.exit(1);
});
