<?php
// Oracle for composer: reads "A<TAB>B" lines, prints -1/0/1 or "invalid: ...".
// composer/semver as Composer uses it (Debian: php-composer-semver): each side is
// normalised by VersionParser::normalize (which throws UnexpectedValueException for an
// invalid version), then ordered by Comparator, the way Composer's constraints compare.
require_once getenv('COMPOSER_SEMVER_AUTOLOAD') ?: '/usr/share/php/Composer/Semver/autoload.php';

use Composer\Semver\Comparator;
use Composer\Semver\VersionParser;

$parser = new VersionParser();
$in = fopen('php://stdin', 'r');
$out = '';
while (($line = fgets($in)) !== false) {
	$line = rtrim($line, "\r\n");
	$parts = explode("\t", $line, 2);
	$a = $parts[0];
	$b = $parts[1] ?? '';
	try {
		$na = $parser->normalize($a);
		$nb = $parser->normalize($b);
	} catch (UnexpectedValueException $e) {
		$out .= 'invalid: ' . strtok($e->getMessage(), "\n") . "\n";
		continue;
	}
	// Composer leaves two different dev- branches unordered (neither < nor > nor ==).
	if (strncmp($na, 'dev-', 4) === 0 && strncmp($nb, 'dev-', 4) === 0 && $na !== $nb)
		$out .= "invalid: branches $na and $nb are not ordered\n";
	elseif (Comparator::lessThan($na, $nb))
		$out .= "-1\n";
	elseif (Comparator::greaterThan($na, $nb))
		$out .= "1\n";
	else
		$out .= "0\n";
	if (strlen($out) > 65536) {
		fwrite(STDOUT, $out);
		$out = '';
	}
}
fwrite(STDOUT, $out);
