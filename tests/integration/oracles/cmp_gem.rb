#!/usr/bin/ruby
# Oracle for gem: reads "A<TAB>B" lines, prints -1/0/1 or "invalid: ...".
# Gem::Version (RubyGems in Debian's ruby): Gem::Version.correct? decides validity
# (Gem::Version.new also accepts nil and Integer, and strips whitespace), <=> orders.
require "rubygems"

$stdout.sync = false
$stdin.each_line do |line|
  a, b = line.chomp.split("\t", 2)
  b ||= ""
  bad = [a, b].find { |v| !Gem::Version.correct?(v) }
  if bad
    puts "invalid: malformed version #{bad.inspect}"
  else
    puts(Gem::Version.new(a) <=> Gem::Version.new(b))
  end
end
