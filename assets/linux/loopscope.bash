# Bash completion for loopscope. Flags come from the program's own --help and
# lesson ids from `loopscope list`, so the completion follows the program.

_loopscope() {
  local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local command="" i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      run | compare | list | serve) command=${COMP_WORDS[i]} && break ;;
    esac
  done

  case $prev in
    --lesson)
      words=$("$prog" list 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { print $2 }')
      [[ -z $command ]] && words+=" sandbox"
      ;;
    --strategy | --strategies)
      words=$("$prog" run --help 2>/dev/null | awk '$1 == "--strategy" { for (i = 3; i <= NF; i++) if ($i != "|") print $i }')
      ;;
    --clock) words="virtual real" ;;
    --theme) words="dark light" ;;
    --screenshot | --trace)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    *)
      if [[ $cur == -* ]]; then
        words=$("$prog" ${command:+"$command"} --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
      elif [[ -z $command ]]; then
        words="run compare list serve"
      fi
      ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
  return 0
}
complete -F _loopscope loopscope
