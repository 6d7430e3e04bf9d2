/** A subscription's or attempt's state as a word, coloured by how good it is. */
export function StatusBadge(props: { status: string }) {
  const tone =
    props.status === 'active' || props.status === 'delivered'
      ? 'good'
      : props.status === 'paused' || props.status === 'provisioning' || props.status === 'pending'
        ? 'neutral'
        : 'bad';
  return <span class={`badge ${tone}`}>{props.status}</span>;
}
