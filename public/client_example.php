<?php
/**
 * Example client of the invoice analysis API, for the PHP team (PHP 8.2 +
 * the curl extension). Command line only.
 *
 *   export API_URL=http://127.0.0.1:8000 API_KEY=...
 *
 *   php client_example.php pdf    facture.pdf [options]          # synchronous, one PDF
 *   php client_example.php images page1.jpg page2.jpg [options]  # synchronous, 1 to 8 images
 *   php client_example.php job    facture.pdf [options]          # asynchronous job, then polling
 *   php client_example.php job-images page1.jpg page2.jpg [options]
 *   php client_example.php status <task_id> [--out=DIR]          # state of a job (saves its reports)
 *
 * Options: --type=auto|electricite|gaz|dual  --user-id=N  --invoice-id=N
 *          --external-ref=TEXT  --confidence-min=0.5  --strict=true|false
 *          --webhook-url=URL (jobs; default: the service's WEBHOOK_URL)
 *          --idempotency-key=KEY (jobs; default: derived from the files and options)
 *          --out=DIR (where the PDFs go; default: OUT_DIR or ./rapports)
 *          --no-wait (jobs: submit and print the task_id only)
 *
 * Exit code: 0 on success, 1 on an API error, 2 on a usage error.
 * The API contract: docs/contract/API.md.
 */

declare(strict_types=1);

if (PHP_SAPI !== 'cli') {
    // This file sits in public/ beside the webhook receiver: never run it from the web.
    http_response_code(404);
    exit;
}
if (!extension_loaded('curl')) {
    fwrite(STDERR, "L'extension PHP curl est requise (apt install php8.2-curl).\n");
    exit(2);
}

const IMAGE_TYPES = ['jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'png' => 'image/png', 'bmp' => 'image/bmp',
                     'tif' => 'image/tiff', 'tiff' => 'image/tiff'];

final class ApiError extends RuntimeException
{
    public function __construct(public readonly int $status, public readonly array $problem)
    {
        $code = $problem['code'] ?? 'erreur';
        $detail = $problem['detail'] ?? ($problem['title'] ?? 'réponse inattendue');
        parent::__construct("HTTP $status [$code] $detail");
    }
}

// ---------------------------------------------------------------------------
// HTTP

/**
 * A multipart/form-data body. PHP's curl cannot send the same field name
 * twice from an array (and the API wants `files` repeated, one per page), so
 * the body is built by hand.
 *
 * @param array<string, string> $fields
 * @param list<array{0: string, 1: string, 2: string}> $files [field name, path, MIME type]
 * @return array{0: string, 1: string} [body, boundary]
 */
function multipart_body(array $fields, array $files): array
{
    $boundary = '----invoice-client-' . bin2hex(random_bytes(12));
    $body = '';
    foreach ($fields as $name => $value) {
        $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"$name\"\r\n\r\n$value\r\n";
    }
    foreach ($files as [$name, $path, $mime]) {
        $content = file_get_contents($path);
        if ($content === false) {
            throw new RuntimeException("Fichier illisible : $path");
        }
        $filename = str_replace(['"', "\r", "\n"], '_', basename($path));
        $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"$name\"; filename=\"$filename\"\r\n"
            . "Content-Type: $mime\r\n\r\n$content\r\n";
    }
    return [$body . "--$boundary--\r\n", $boundary];
}

/**
 * One API call; returns the decoded JSON body of a 2xx answer, throws
 * ApiError with the problem+json body otherwise.
 */
function api_call(string $method, string $path, ?array $multipart = null, array $headers = [], int $timeout = 180): array
{
    $url = rtrim(getenv('API_URL') ?: 'http://127.0.0.1:8000', '/') . $path;
    $headers[] = 'X-API-Key: ' . (getenv('API_KEY') ?: '');
    $headers[] = 'Accept: application/json';
    $curl = curl_init($url);
    $options = [
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_CONNECTTIMEOUT => 10,
        CURLOPT_TIMEOUT => $timeout,  // a sync analysis may take a while (the server's SYNC_TIMEOUT)
    ];
    if ($multipart !== null) {
        [$body, $boundary] = multipart_body($multipart['fields'], $multipart['files']);
        $headers[] = "Content-Type: multipart/form-data; boundary=$boundary";
        $options[CURLOPT_POSTFIELDS] = $body;
    }
    $options[CURLOPT_HTTPHEADER] = $headers;
    curl_setopt_array($curl, $options);
    $raw = curl_exec($curl);
    if ($raw === false) {
        $error = curl_error($curl);
        curl_close($curl);
        throw new ApiError(0, ['code' => 'network_error', 'detail' => "Appel de $path impossible : $error"]);
    }
    $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
    curl_close($curl);
    $json = json_decode((string) $raw, true);
    if ($status < 200 || $status >= 300) {
        throw new ApiError($status, is_array($json) ? $json : ['detail' => substr((string) $raw, 0, 200)]);
    }
    if (!is_array($json)) {
        throw new ApiError($status, ['code' => 'bad_json', 'detail' => 'Réponse JSON illisible.']);
    }
    return $json;
}

// ---------------------------------------------------------------------------
// Results

/**
 * Decode both reports, check their size and sha256 against the answer, and
 * write them to $dir. Returns the written paths.
 */
function save_reports(array $result, string $dir, string $prefix): array
{
    $pdfs = [];
    foreach (['non_anonymous' => 'rapport', 'anonymous' => 'rapport-anonyme'] as $key => $name) {
        $pdf = base64_decode((string) ($result["{$key}_report_base64"] ?? ''), true);
        if ($pdf === false || $pdf === '') {
            throw new RuntimeException("Rapport $key absent ou base64 invalide.");
        }
        if (strlen($pdf) !== ($result["{$key}_size"] ?? -1)) {
            throw new RuntimeException("Rapport $key : taille différente de {$key}_size.");
        }
        if (!hash_equals((string) ($result["{$key}_sha256"] ?? ''), hash('sha256', $pdf))) {
            throw new RuntimeException("Rapport $key : sha256 différent de {$key}_sha256.");
        }
        $pdfs[$name] = $pdf;
    }
    // Both reports are checked before either is written: never half a result.
    if (!is_dir($dir) && !mkdir($dir, 0775, true) && !is_dir($dir)) {
        throw new RuntimeException("Impossible de créer le dossier $dir");
    }
    $paths = [];
    foreach ($pdfs as $name => $pdf) {
        $path = rtrim($dir, '/') . '/' . preg_replace('/[^A-Za-z0-9._-]/', '_', $prefix) . "-$name.pdf";
        if (file_put_contents($path, $pdf) !== strlen($pdf)) {
            throw new RuntimeException("Écriture impossible : $path");
        }
        $paths[] = $path;
    }
    return $paths;
}

function print_result(array $result, string $dir, string $prefix): void
{
    echo "Points clés :\n";
    foreach ($result['highlights'] ?? [] as $line) {
        echo "  • $line\n";
    }
    foreach (['user_id', 'invoice_id', 'external_ref'] as $id) {
        if (($result[$id] ?? null) !== null) {
            echo "  $id : {$result[$id]}\n";
        }
    }
    $analysis = $result['analysis'] ?? [];
    foreach ($analysis['warnings'] ?? [] as $warning) {
        echo "  ⚠ $warning\n";
    }
    foreach (save_reports($result, $dir, $prefix) as $path) {
        echo "Rapport enregistré (sha256 vérifié) : $path\n";
    }
}

// ---------------------------------------------------------------------------
// Commands

function form_fields(array $options, bool $job): array
{
    $fields = ['type' => $options['type'] ?? 'auto'];
    $map = ['confidence-min' => 'confidence_min', 'strict' => 'strict', 'user-id' => 'user_id',
            'invoice-id' => 'invoice_id', 'external-ref' => 'external_ref'];
    if ($job) {
        $map['webhook-url'] = 'webhook_url';
    }
    foreach ($map as $option => $field) {
        if (isset($options[$option]) && $options[$option] !== '') {
            $fields[$field] = (string) $options[$option];
        }
    }
    return $fields;
}

/** @return list<array{0: string, 1: string, 2: string}> */
function upload_list(string $kind, array $paths): array
{
    if ($paths === [] || ($kind === 'pdf' && count($paths) !== 1) || count($paths) > 8) {
        throw new InvalidArgumentException($kind === 'pdf' ? 'Un seul fichier PDF attendu.' : 'De 1 à 8 images attendues.');
    }
    $files = [];
    foreach ($paths as $path) {
        if (!is_file($path)) {
            throw new InvalidArgumentException("Fichier introuvable : $path");
        }
        $extension = strtolower(pathinfo($path, PATHINFO_EXTENSION));
        if ($kind === 'pdf') {
            $files[] = ['file', $path, 'application/pdf'];
        } elseif (isset(IMAGE_TYPES[$extension])) {
            $files[] = ['files', $path, IMAGE_TYPES[$extension]];  // the same field name, once per page
        } else {
            throw new InvalidArgumentException("Extension d'image non acceptée : $path");
        }
    }
    return $files;
}

function analyse_sync(string $kind, array $paths, array $options, string $out): void
{
    $started = microtime(true);
    $result = api_call('POST', "/v1/invoices/$kind",
        ['fields' => form_fields($options, false), 'files' => upload_list($kind, $paths)]);
    printf("Analyse terminée en %.1f s.\n", microtime(true) - $started);
    print_result($result, $out, pathinfo($paths[0], PATHINFO_FILENAME));
}

function submit_job(string $kind, array $paths, array $options, string $out): void
{
    $files = upload_list($kind, $paths);
    $fields = form_fields($options, true);
    // The same key returns the first job's task_id instead of queueing the
    // bill twice (a retried submission after a timeout, a double click…).
    $key = $options['idempotency-key'] ?? hash('sha256', json_encode([$kind, $fields,
        array_map(fn($f) => hash_file('sha256', $f[1]), $files)]));
    $accepted = api_call('POST', "/v1/jobs/$kind", ['fields' => $fields, 'files' => $files],
        ["Idempotency-Key: $key"], 60);
    echo "Job accepté : task_id={$accepted['task_id']} statut={$accepted['status']}\n";
    if (isset($options['no-wait'])) {
        return;
    }
    poll_job($accepted['task_id'], $out, (int) ($options['max-wait'] ?? 600));
}

/** GET /v1/jobs/<task_id> until the job ends (the webhook, if any, is sent by the service meanwhile). */
function poll_job(string $taskId, string $out, int $maxWait, bool $once = false): void
{
    $deadline = time() + $maxWait;
    $delay = 1;
    while (true) {
        $job = api_call('GET', '/v1/jobs/' . rawurlencode($taskId), null, [], 30);
        $status = $job['status'] ?? '?';
        if ($status === 'succeeded') {
            echo "Job $taskId terminé (créé {$job['created_at']}, fini {$job['completed_at']}).\n";
            print_result($job['result'], $out, $taskId);
            break;
        }
        if ($status === 'failed') {
            $error = $job['error'] ?? [];
            echo "Job $taskId en échec : [" . ($error['code'] ?? '?') . '] ' . ($error['detail'] ?? '') . "\n";
            break;
        }
        echo "Job $taskId : {$status}…\n";
        if ($once || time() >= $deadline) {
            break;
        }
        sleep($delay);
        $delay = min($delay * 2, 15);  // gentle on the API
    }
    if (isset($job['webhook']['url'])) {
        $delivered = !empty($job['webhook']['delivered']) ? 'oui' : 'non';
        echo "Webhook : livré=$delivered, tentatives=" . ($job['webhook']['attempts'] ?? 0) . "\n";
    }
}

function main(array $argv): int
{
    $positional = [];
    $options = [];
    foreach (array_slice($argv, 1) as $arg) {
        if (preg_match('/^--([a-z-]+)(?:=(.*))?$/s', $arg, $m)) {
            $options[$m[1]] = $m[2] ?? '1';
        } else {
            $positional[] = $arg;
        }
    }
    $command = array_shift($positional) ?? '';
    $out = $options['out'] ?? (getenv('OUT_DIR') ?: 'rapports');
    try {
        switch ($command) {
            case 'pdf':
            case 'images':
                analyse_sync($command, $positional, $options, $out);
                return 0;
            case 'job':
            case 'job-pdf':
                submit_job('pdf', $positional, $options, $out);
                return 0;
            case 'job-images':
                submit_job('images', $positional, $options, $out);
                return 0;
            case 'status':
                if (count($positional) !== 1) {
                    throw new InvalidArgumentException('Usage : status <task_id>');
                }
                poll_job($positional[0], $out, 0, true);
                return 0;
            default:
                throw new InvalidArgumentException('Commande attendue : pdf, images, job, job-images ou status.');
        }
    } catch (InvalidArgumentException $e) {
        fwrite(STDERR, $e->getMessage() . "\n");
        return 2;
    } catch (ApiError | RuntimeException $e) {
        fwrite(STDERR, 'Erreur : ' . $e->getMessage() . "\n");
        return 1;
    }
}

exit(main($argv));
