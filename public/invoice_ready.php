<?php
/**
 * Webhook receiver for the invoice analysis service (PHP 8.2, no dependency
 * beyond PDO and the json/hash extensions).
 *
 * The service POSTs one JSON body when an analysis job ends (see
 * docs/contract/API.md, "Webhook"). This script:
 *   1. checks `Authorization: Bearer <WEBHOOK_TOKEN>` when WEBHOOK_TOKEN is set;
 *   2. checks the Standard Webhooks signature when WEBHOOK_SECRET is set
 *      (several space-separated `v1,` signatures accepted, for secret
 *      rotation; timestamp within WEBHOOK_TOLERANCE seconds, 300 by default);
 *   3. checks the payload, decodes both PDFs and verifies their size and sha256;
 *   4. stores the outcome: into the database (DB_DSN, DB_USER, DB_PASSWORD;
 *      MySQL/MariaDB or PostgreSQL, tables of sql/mysql.sql or
 *      sql/postgresql.sql) and/or into a directory (INVOICE_STORAGE_DIR);
 *   5. answers 200 only once the outcome is committed; 401 on an
 *      authentication failure, 4xx on a malformed request, 5xx when storage
 *      fails (the service then retries later).
 *
 * Delivering the same job twice is harmless: `invoice_jobs` is UPSERTed by
 * `task_id` and the job's `invoices` / `reports` rows are reused.
 *
 * Configuration: environment variables first, then the array returned by
 * config.php beside this file (or the file named by INVOICE_RECEIVER_CONFIG).
 * See README.md.
 */

declare(strict_types=1);

const IR_DEFAULT_TOLERANCE = 300;
const IR_DEFAULT_MAX_BODY = 64 * 1024 * 1024;
const IR_STATUSES = ['succeeded', 'failed'];
const IR_SOURCE_KINDS = ['pdf', 'images'];
const IR_TYPES = ['auto', 'electricite', 'gaz', 'dual'];
const IR_REPORTS = ['non_anonymous', 'anonymous'];

/** An error that becomes an application/problem+json answer. */
final class IrHttpError extends RuntimeException
{
    public function __construct(public readonly int $status, string $detail, public readonly array $headers = [])
    {
        parent::__construct($detail);
    }
}

// ---------------------------------------------------------------------------
// Configuration

function ir_config(): array
{
    static $config = null;
    if ($config !== null) {
        return $config;
    }
    $file = getenv('INVOICE_RECEIVER_CONFIG') ?: __DIR__ . '/config.php';
    $fromFile = [];
    if (is_file($file)) {
        $loaded = require $file;
        if (!is_array($loaded)) {
            throw new IrHttpError(500, 'Configuration du récepteur invalide.');
        }
        $fromFile = $loaded;
    }
    $config = [];
    $keys = ['WEBHOOK_SECRET', 'WEBHOOK_TOKEN', 'WEBHOOK_TOLERANCE', 'WEBHOOK_ALLOW_UNAUTHENTICATED',
             'INVOICE_STORAGE_DIR', 'DB_DSN', 'DB_USER', 'DB_PASSWORD', 'MAX_BODY_BYTES'];
    foreach ($keys as $key) {
        $value = getenv($key);
        if ($value === false || $value === '') {
            $value = $fromFile[$key] ?? '';
        }
        $config[$key] = (string) $value;
    }
    return $config;
}

// ---------------------------------------------------------------------------
// HTTP helpers

function ir_respond(int $status, array $body, string $contentType = 'application/json', array $headers = []): void
{
    http_response_code($status);
    header('Content-Type: ' . $contentType);
    header('Cache-Control: no-store');
    foreach ($headers as $name => $value) {
        header($name . ': ' . $value);
    }
    echo json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
}

function ir_problem(IrHttpError $error): void
{
    $titles = [400 => 'Bad Request', 401 => 'Unauthorized', 405 => 'Method Not Allowed', 413 => 'Content Too Large',
               415 => 'Unsupported Media Type', 422 => 'Unprocessable Content', 500 => 'Internal Server Error',
               503 => 'Service Unavailable'];
    ir_respond($error->status, [
        'type' => 'about:blank',
        'title' => $titles[$error->status] ?? 'Error',
        'status' => $error->status,
        'detail' => $error->getMessage(),
    ], 'application/problem+json', $error->headers);
}

/** A request header, whatever the SAPI (Apache CGI/FPM may rename Authorization). */
function ir_header(string $name): ?string
{
    $key = 'HTTP_' . strtoupper(str_replace('-', '_', $name));
    foreach ([$key, 'REDIRECT_' . $key] as $candidate) {
        if (isset($_SERVER[$candidate]) && $_SERVER[$candidate] !== '') {
            return (string) $_SERVER[$candidate];
        }
    }
    if (function_exists('getallheaders')) {
        foreach (getallheaders() as $header => $value) {
            if (strcasecmp($header, $name) === 0) {
                return (string) $value;
            }
        }
    }
    return null;
}

// ---------------------------------------------------------------------------
// Authentication

function ir_check_bearer(string $expected): void
{
    $header = ir_header('Authorization') ?? '';
    if (!preg_match('/^Bearer\s+(\S+)\s*$/i', $header, $m) || !hash_equals($expected, $m[1])) {
        throw new IrHttpError(401, 'Jeton Bearer absent ou invalide.', ['WWW-Authenticate' => 'Bearer']);
    }
}

/** The HMAC key: base64-decoded after "whsec_", else the secret's bytes. */
function ir_signing_key(string $secret): string
{
    if (str_starts_with($secret, 'whsec_')) {
        $key = base64_decode(substr($secret, 6), true);
        if ($key === false || $key === '') {
            error_log('invoice_ready: WEBHOOK_SECRET starts with whsec_ but is not valid base64');
            throw new IrHttpError(500, 'Configuration du récepteur invalide.');
        }
        return $key;
    }
    return $secret;
}

function ir_check_signature(string $secret, string $body, int $tolerance, ?int $now = null): string
{
    $id = ir_header('webhook-id') ?? '';
    $timestamp = ir_header('webhook-timestamp') ?? '';
    $signatures = ir_header('webhook-signature') ?? '';
    if ($id === '' || $timestamp === '' || $signatures === '') {
        throw new IrHttpError(401, 'En-têtes webhook-id, webhook-timestamp ou webhook-signature manquants.');
    }
    if (!preg_match('/^\d{1,12}$/', $timestamp)) {
        throw new IrHttpError(401, 'En-tête webhook-timestamp invalide.');
    }
    $now ??= time();
    if (abs($now - (int) $timestamp) > $tolerance) {
        throw new IrHttpError(401, 'Horodatage du webhook trop ancien ou dans le futur.');
    }
    $expected = base64_encode(hash_hmac('sha256', $id . '.' . $timestamp . '.' . $body, ir_signing_key($secret), true));
    foreach (preg_split('/\s+/', trim($signatures)) as $entry) {
        [$version, $signature] = array_pad(explode(',', $entry, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $signature)) {
            return $id;
        }
    }
    throw new IrHttpError(401, 'Signature du webhook invalide.');
}

// ---------------------------------------------------------------------------
// Payload

function ir_utf8_length(string $text): int
{
    return preg_match_all('/./su', $text);
}

/** ISO 8601 with a date and a time; a missing offset means UTC. */
function ir_parse_datetime(mixed $value, string $field): ?DateTimeImmutable
{
    if ($value === null) {
        return null;
    }
    $pattern = '/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i';
    if (!is_string($value) || !preg_match($pattern, $value)) {
        throw new IrHttpError(400, "Champ « $field » : date ISO 8601 attendue.");
    }
    try {
        return (new DateTimeImmutable($value, new DateTimeZone('UTC')))->setTimezone(new DateTimeZone('UTC'));
    } catch (Exception) {
        throw new IrHttpError(400, "Champ « $field » : date ISO 8601 attendue.");
    }
}

/**
 * The payload checked and normalised: ids, dates as DateTimeImmutable, and
 * for a succeeded job the decoded PDFs ("pdf", "size", "sha256" per report).
 */
function ir_parse_payload(string $body): array
{
    try {
        $p = json_decode($body, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
    } catch (JsonException) {
        throw new IrHttpError(400, 'Corps JSON illisible.');
    }
    if (!is_array($p) || array_is_list($p)) {
        throw new IrHttpError(400, 'Un objet JSON est attendu.');
    }
    $taskId = $p['task_id'] ?? null;
    if (!is_string($taskId) || $taskId === '' || strlen($taskId) > 64) {
        throw new IrHttpError(400, 'Champ « task_id » absent ou invalide (64 caractères au plus).');
    }
    foreach (['status' => IR_STATUSES, 'source_kind' => IR_SOURCE_KINDS, 'type' => IR_TYPES] as $field => $allowed) {
        if (!in_array($p[$field] ?? null, $allowed, true)) {
            throw new IrHttpError(400, "Champ « $field » invalide (attendu : " . implode(', ', $allowed) . ').');
        }
    }
    foreach (['user_id', 'invoice_id'] as $field) {
        if (isset($p[$field]) && !is_int($p[$field])) {
            throw new IrHttpError(400, "Champ « $field » : entier attendu.");
        }
    }
    $ref = $p['external_ref'] ?? null;
    if ($ref !== null && (!is_string($ref) || ir_utf8_length($ref) > 255)) {
        throw new IrHttpError(400, 'Champ « external_ref » : chaîne de 255 caractères au plus attendue.');
    }
    $job = [
        'task_id' => $taskId,
        'status' => $p['status'],
        'user_id' => $p['user_id'] ?? null,
        'invoice_id' => $p['invoice_id'] ?? null,
        'external_ref' => $ref,
        'source_kind' => $p['source_kind'],
        'type' => $p['type'],
        'created_at' => ir_parse_datetime($p['created_at'] ?? null, 'created_at'),
        'completed_at' => ir_parse_datetime($p['completed_at'] ?? null, 'completed_at'),
        'reports' => null,
        'payload' => $p,
    ];
    if ($job['status'] === 'succeeded') {
        $job['reports'] = [];
        foreach (IR_REPORTS as $name) {
            $job['reports'][$name] = ir_decode_report($p, $name);
        }
    }
    return $job;
}

/** One report decoded, its size and sha256 checked against the payload. */
function ir_decode_report(array $p, string $name): array
{
    $encoded = $p["{$name}_report_base64"] ?? null;
    $size = $p["{$name}_size"] ?? null;
    $sha = $p["{$name}_sha256"] ?? null;
    if (!is_string($encoded) || $encoded === '' || !is_int($size) || !is_string($sha)
        || !preg_match('/^[0-9a-fA-F]{64}$/', $sha)) {
        throw new IrHttpError(400, "Rapport « $name » : base64, taille ou sha256 manquant.");
    }
    $pdf = base64_decode($encoded, true);
    if ($pdf === false) {
        throw new IrHttpError(400, "Rapport « $name » : base64 invalide.");
    }
    if (strlen($pdf) !== $size) {
        throw new IrHttpError(422, "Rapport « $name » : taille reçue différente de « {$name}_size ».");
    }
    $actual = hash('sha256', $pdf);
    if (!hash_equals(strtolower($sha), $actual)) {
        throw new IrHttpError(422, "Rapport « $name » : sha256 différent de « {$name}_sha256 ».");
    }
    if (!str_starts_with($pdf, '%PDF-')) {
        throw new IrHttpError(422, "Rapport « $name » : le contenu n'est pas un PDF.");
    }
    return ['pdf' => $pdf, 'size' => $size, 'sha256' => $actual];
}

// ---------------------------------------------------------------------------
// Storage: directory

/** Write a file so that a reader never sees it half-written. */
function ir_write_atomic(string $path, string $data): void
{
    $tmp = $path . '.tmp-' . bin2hex(random_bytes(6));
    $handle = @fopen($tmp, 'xb');
    if ($handle === false) {
        throw new RuntimeException("cannot create $tmp");
    }
    try {
        $written = fwrite($handle, $data);
        if ($written !== strlen($data) || !fflush($handle) || !fsync($handle)) {
            throw new RuntimeException("cannot write $tmp");
        }
    } finally {
        fclose($handle);
    }
    if (!rename($tmp, $path)) {
        @unlink($tmp);
        throw new RuntimeException("cannot rename $tmp");
    }
}

/**
 * <dir>/<task_id>_non_anonymous.pdf, <task_id>_anonymous.pdf and
 * <task_id>.json (the payload without the base64, plus webhook_id and
 * received_at). The sidecar is written last: its presence means the files
 * are complete.
 */
function ir_check_file_name(string $taskId): void
{
    if (!preg_match('/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/', $taskId)) {
        throw new IrHttpError(400, 'Champ « task_id » : caractères non admis pour un nom de fichier.');
    }
}

function ir_store_disk(string $dir, array $job, string $webhookId): string
{
    ir_check_file_name($job['task_id']);
    if (!is_dir($dir) && !@mkdir($dir, 0750, true) && !is_dir($dir)) {
        error_log('invoice_ready: INVOICE_STORAGE_DIR cannot be created');
        throw new IrHttpError(500, 'Stockage des rapports indisponible.');
    }
    $base = rtrim($dir, '/') . '/' . $job['task_id'];
    if ($job['status'] === 'failed' && is_file("$base.json")) {
        $previous = json_decode((string) file_get_contents("$base.json"), true);
        if (($previous['status'] ?? null) === 'succeeded') {
            return 'ignored';  // a late failure never overwrites a success
        }
    }
    $sidecar = $job['payload'];
    $sidecar['files'] = [];
    try {
        foreach (IR_REPORTS as $name) {
            unset($sidecar["{$name}_report_base64"]);
            if ($job['reports'] !== null) {
                $file = "{$job['task_id']}_{$name}.pdf";
                ir_write_atomic(dirname($base) . '/' . $file, $job['reports'][$name]['pdf']);
                $sidecar['files'][$name] = $file;
            }
        }
        $sidecar['webhook_id'] = $webhookId;
        $sidecar['received_at'] = gmdate('Y-m-d\TH:i:s\Z');
        ir_write_atomic("$base.json", json_encode($sidecar,
            JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR));
    } catch (RuntimeException $e) {
        error_log('invoice_ready: disk write failed: ' . $e->getMessage());
        throw new IrHttpError(500, 'Écriture des rapports impossible.');
    }
    return 'stored';
}

// ---------------------------------------------------------------------------
// Storage: database

function ir_connect(array $config): PDO
{
    $pdo = new PDO($config['DB_DSN'], $config['DB_USER'] ?: null, $config['DB_PASSWORD'] ?: null, [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
        PDO::ATTR_EMULATE_PREPARES => false,
        PDO::ATTR_TIMEOUT => 5,
    ]);
    if ($pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql') {
        // TIMESTAMP columns are converted with the session time zone: use UTC.
        $pdo->exec("SET NAMES utf8mb4, time_zone = '+00:00'");
    }
    return $pdo;
}

function ir_sql_time(?DateTimeImmutable $time, string $driver): ?string
{
    if ($time === null) {
        return null;
    }
    return $driver === 'mysql' ? $time->format('Y-m-d H:i:s') : $time->format('Y-m-d\TH:i:s.uP');
}

function ir_run(PDO $pdo, string $sql, array $params): PDOStatement
{
    $stmt = $pdo->prepare($sql);
    $i = 1;
    foreach ($params as $value) {
        if (is_array($value)) {  // ['lob' => bytes]
            $stmt->bindValue($i++, $value['lob'], PDO::PARAM_LOB);
        } elseif (is_int($value)) {
            $stmt->bindValue($i++, $value, PDO::PARAM_INT);
        } elseif ($value === null) {
            $stmt->bindValue($i++, null, PDO::PARAM_NULL);
        } else {
            $stmt->bindValue($i++, (string) $value, PDO::PARAM_STR);
        }
    }
    $stmt->execute();
    return $stmt;
}

/** The invoices row of a succeeded job: the given id if it exists, else a new row. */
function ir_ensure_invoice(PDO $pdo, string $driver, array $job, ?int $invoiceId): int
{
    if ($invoiceId !== null) {
        $found = ir_run($pdo, 'SELECT id FROM invoices WHERE id = ?', [$invoiceId])->fetchColumn();
        if ($found !== false) {
            return $invoiceId;
        }
    }
    $userId = $job['user_id'];
    if ($userId !== null && ir_run($pdo, 'SELECT id FROM users WHERE id = ?', [$userId])->fetchColumn() === false) {
        // The job row keeps the user id; the invoice must not break its foreign key.
        error_log("invoice_ready: user {$userId} unknown, invoice stored without user");
        $userId = null;
    }
    $values = [$userId, $job['external_ref'], $job['source_kind'], $job['type']];
    if ($invoiceId === null) {
        if ($driver === 'pgsql') {
            return (int) ir_run($pdo, 'INSERT INTO invoices (user_id, external_ref, source_kind, type)
                VALUES (?, ?, ?, ?) RETURNING id', $values)->fetchColumn();
        }
        ir_run($pdo, 'INSERT INTO invoices (user_id, external_ref, source_kind, type) VALUES (?, ?, ?, ?)', $values);
        return (int) $pdo->lastInsertId();
    }
    if ($driver === 'pgsql') {
        ir_run($pdo, 'INSERT INTO invoices (id, user_id, external_ref, source_kind, type) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING', [$invoiceId, ...$values]);
        // An explicit id does not move the BIGSERIAL sequence: move it past
        // this id so that the PHP side's next INSERT does not collide.
        ir_run($pdo, "SELECT setval(s, ?) FROM (SELECT pg_get_serial_sequence('invoices', 'id')::regclass AS s) q
            WHERE ? > COALESCE(pg_sequence_last_value(s), 0)", [$invoiceId, $invoiceId]);
    } else {
        ir_run($pdo, 'INSERT INTO invoices (id, user_id, external_ref, source_kind, type) VALUES (?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE id = id', [$invoiceId, ...$values]);
    }
    return $invoiceId;
}

/**
 * One transaction: lock the job's row (creating it if needed), then write the
 * invoice, the report and the job. The first statement inserts the row or
 * waits for a concurrent delivery of the same job to commit, so two
 * deliveries of one job never both create a report.
 */
function ir_store_db(PDO $pdo, array $job): string
{
    $driver = $pdo->getAttribute(PDO::ATTR_DRIVER_NAME);
    $now = new DateTimeImmutable('now', new DateTimeZone('UTC'));
    $createdAt = ir_sql_time($job['created_at'], $driver);
    $completedAt = ir_sql_time($job['completed_at'], $driver);
    $empty = ['lob' => ''];
    $lock = 'INSERT INTO invoice_jobs (task_id, status, user_id, invoice_id, external_ref, source_kind,
            non_anonymous_pdf, anonymous_pdf, non_anonymous_size, anonymous_size,
            non_anonymous_sha256, anonymous_sha256, created_at, completed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, \'\', \'\', ?, ?) '
        . ($driver === 'pgsql' ? 'ON CONFLICT (task_id) DO NOTHING' : 'ON DUPLICATE KEY UPDATE task_id = task_id');

    $pdo->beginTransaction();
    try {
        $inserted = ir_run($pdo, $lock, [$job['task_id'], $job['status'], $job['user_id'], $job['invoice_id'],
            $job['external_ref'], $job['source_kind'], $empty, $empty,
            $createdAt ?? ir_sql_time($now, $driver), $completedAt])->rowCount() === 1;
        $previous = $inserted ? null : ir_run($pdo, 'SELECT status, invoice_id, non_anonymous_sha256, anonymous_sha256
            FROM invoice_jobs WHERE task_id = ? FOR UPDATE', [$job['task_id']])->fetch();

        if ($job['status'] === 'failed' && ($previous['status'] ?? null) === 'succeeded') {
            $pdo->commit();
            return 'ignored';  // a late failure never overwrites a success
        }

        $invoiceId = $job['invoice_id'];
        $reports = $job['reports'];
        if ($reports !== null) {
            $previousInvoice = isset($previous['invoice_id']) ? (int) $previous['invoice_id'] : null;
            $invoiceId = ir_ensure_invoice($pdo, $driver, $job, $invoiceId ?? $previousInvoice);
            $reportValues = [$invoiceId, ['lob' => $reports['non_anonymous']['pdf']], ['lob' => $reports['anonymous']['pdf']],
                $reports['non_anonymous']['size'], $reports['anonymous']['size'],
                $reports['non_anonymous']['sha256'], $reports['anonymous']['sha256']];
            $reportId = false;
            if (($previous['status'] ?? null) === 'succeeded' && $previousInvoice !== null) {
                // This job's report from an earlier delivery: same invoice, same hashes.
                $reportId = ir_run($pdo, 'SELECT id FROM reports WHERE invoice_id = ? AND non_anonymous_sha256 = ?
                    AND anonymous_sha256 = ? ORDER BY id LIMIT 1 FOR UPDATE',
                    [$previousInvoice, trim($previous['non_anonymous_sha256']), trim($previous['anonymous_sha256'])])
                    ->fetchColumn();
            }
            if ($reportId === false) {
                ir_run($pdo, 'INSERT INTO reports (invoice_id, non_anonymous_pdf, anonymous_pdf, non_anonymous_size,
                    anonymous_size, non_anonymous_sha256, anonymous_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)', $reportValues);
            } elseif ($previousInvoice !== $invoiceId
                || trim($previous['non_anonymous_sha256']) !== $reports['non_anonymous']['sha256']
                || trim($previous['anonymous_sha256']) !== $reports['anonymous']['sha256']) {
                ir_run($pdo, 'UPDATE reports SET invoice_id = ?, non_anonymous_pdf = ?, anonymous_pdf = ?,
                    non_anonymous_size = ?, anonymous_size = ?, non_anonymous_sha256 = ?, anonymous_sha256 = ?
                    WHERE id = ?', [...$reportValues, (int) $reportId]);
            }
        }

        ir_run($pdo, 'UPDATE invoice_jobs SET status = ?, user_id = ?, invoice_id = ?, external_ref = ?, source_kind = ?,
                non_anonymous_pdf = ?, anonymous_pdf = ?, non_anonymous_size = ?, anonymous_size = ?,
                non_anonymous_sha256 = ?, anonymous_sha256 = ?, created_at = COALESCE(?, created_at), completed_at = ?
            WHERE task_id = ?', [
            $job['status'], $job['user_id'], $invoiceId, $job['external_ref'], $job['source_kind'],
            $reports ? ['lob' => $reports['non_anonymous']['pdf']] : $empty,
            $reports ? ['lob' => $reports['anonymous']['pdf']] : $empty,
            $reports ? $reports['non_anonymous']['size'] : 0,
            $reports ? $reports['anonymous']['size'] : 0,
            $reports ? $reports['non_anonymous']['sha256'] : '',
            $reports ? $reports['anonymous']['sha256'] : '',
            $createdAt, $completedAt, $job['task_id'],
        ]);
        $pdo->commit();
    } catch (Throwable $e) {
        if ($pdo->inTransaction()) {
            $pdo->rollBack();
        }
        throw $e;
    }
    return 'stored';
}

// ---------------------------------------------------------------------------
// Entry point

function ir_handle(): void
{
    if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
        throw new IrHttpError(405, 'Seule la méthode POST est acceptée.', ['Allow' => 'POST']);
    }
    $config = ir_config();
    $secret = $config['WEBHOOK_SECRET'];
    $token = $config['WEBHOOK_TOKEN'];
    if ($secret === '' && $token === '' && $config['WEBHOOK_ALLOW_UNAUTHENTICATED'] !== '1') {
        // Fail closed: an open endpoint would let anyone write reports.
        error_log('invoice_ready: neither WEBHOOK_SECRET nor WEBHOOK_TOKEN is set');
        throw new IrHttpError(500, 'Récepteur non configuré (ni WEBHOOK_SECRET ni WEBHOOK_TOKEN).');
    }
    if ($config['DB_DSN'] === '' && $config['INVOICE_STORAGE_DIR'] === '') {
        error_log('invoice_ready: neither DB_DSN nor INVOICE_STORAGE_DIR is set');
        throw new IrHttpError(500, 'Récepteur non configuré (ni DB_DSN ni INVOICE_STORAGE_DIR).');
    }

    $maxBody = (int) ($config['MAX_BODY_BYTES'] ?: IR_DEFAULT_MAX_BODY);
    if ((int) ($_SERVER['CONTENT_LENGTH'] ?? 0) > $maxBody) {
        throw new IrHttpError(413, 'Corps de la requête trop volumineux.');
    }
    $body = (string) file_get_contents('php://input', false, null, 0, $maxBody + 1);
    if (strlen($body) > $maxBody) {
        throw new IrHttpError(413, 'Corps de la requête trop volumineux.');
    }
    if ($body === '' && (int) ($_SERVER['CONTENT_LENGTH'] ?? 0) > 0) {
        // PHP drops a body larger than post_max_size before the script runs.
        error_log('invoice_ready: request body dropped by PHP, raise post_max_size');
        throw new IrHttpError(413, 'Corps de la requête trop volumineux pour la configuration PHP (post_max_size).');
    }

    // Authentication comes before anything looks at the body.
    if ($token !== '') {
        ir_check_bearer($token);
    }
    $webhookId = ir_header('webhook-id') ?? '';
    if ($secret !== '') {
        $tolerance = (int) ($config['WEBHOOK_TOLERANCE'] ?: IR_DEFAULT_TOLERANCE);
        $webhookId = ir_check_signature($secret, $body, $tolerance);
    }

    $contentType = strtolower(trim(explode(';', (string) ($_SERVER['CONTENT_TYPE'] ?? ''))[0]));
    if ($contentType !== 'application/json') {
        throw new IrHttpError(415, 'Content-Type application/json attendu.');
    }
    $job = ir_parse_payload($body);
    if ($config['INVOICE_STORAGE_DIR'] !== '') {
        ir_check_file_name($job['task_id']);  // before the database commits anything
    }

    $outcome = [];
    if ($config['DB_DSN'] !== '') {
        try {
            $outcome['database'] = ir_store_db(ir_connect($config), $job);
        } catch (PDOException $e) {
            // SQLSTATE and driver message only: they carry no password.
            error_log("invoice_ready: database error for task {$job['task_id']}: " . $e->getMessage());
            throw new IrHttpError(503, 'Base de données indisponible, réessayez plus tard.');
        }
    }
    if ($config['INVOICE_STORAGE_DIR'] !== '') {
        $outcome['disk'] = ir_store_disk($config['INVOICE_STORAGE_DIR'], $job, $webhookId);
    }
    ir_respond(200, ['task_id' => $job['task_id'], 'status' => $job['status'], 'storage' => $outcome]);
}

function ir_main(): void
{
    try {
        ir_handle();
    } catch (IrHttpError $e) {
        ir_problem($e);
    } catch (Throwable $e) {
        error_log('invoice_ready: ' . get_class($e) . ': ' . $e->getMessage());
        ir_problem(new IrHttpError(500, 'Erreur interne du récepteur.'));
    }
}

// Lets a framework include this file for its functions without handling a request.
if (!defined('INVOICE_READY_NO_MAIN')) {
    ir_main();
}
